package io.layerswarm.seeder.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.auth.BearerToken;
import io.layerswarm.core.auth.ClusterSecret;
import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.auth.HttpSignature;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.seeder.harbor.HarborPreheat;
import io.layerswarm.testing.ManualClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole control pipeline, fed raw HTTP bytes, with and without a cluster secret. */
class ControlAccessHandlerTest {
  private static final String METAINFO =
      "/metainfo/sha256:" + "c".repeat(64) + "?registry=registry.test&repo=private/app";
  private static final String TOKEN = "webhook-token-0123456789abcdef";
  private static final byte[] ENVELOPE = "{\"events\":[]}".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path temp;
  private final ClusterSecret secret = ClusterSecret.random();
  private final ManualClock clock = new ManualClock();
  private final AtomicInteger lookups = new AtomicInteger();
  private final List<byte[]> notified = new ArrayList<>();
  private EmbeddedChannel channel;

  @AfterEach
  void nothingLeftOver() {
    channel.finishAndReleaseAll();
  }

  private void open(HttpAuth auth, Optional<BearerToken> token) {
    channel =
        new EmbeddedChannel(
            new ControlChannelInitializer(
                (digest, registry, repo) -> {
                  lookups.incrementAndGet();
                  return metainfo(digest.hex());
                },
                body -> {
                  notified.add(body);
                  return "{}";
                },
                () -> "",
                Runnable::run,
                auth,
                token));
  }

  private final List<Runnable> jobs = new ArrayList<>();

  /** With the preheat API, whose jobs are queued and never run. */
  private void openWithPreheatApi(HttpAuth auth, Optional<BearerToken> preheatToken) {
    HarborPreheat api =
        new HarborPreheat(
            Upstreams.single(new InMemoryUpstreamRegistry(URI.create("http://registry.test"))),
            (label, image, listener) -> true,
            jobs::add,
            clock,
            "seeder",
            "127.0.0.1");
    channel =
        new EmbeddedChannel(
            new ControlChannelInitializer(
                (digest, registry, repo) -> metainfo(digest.hex()),
                body -> "{}",
                () -> "",
                Runnable::run,
                auth,
                Optional.empty(),
                List::of,
                api,
                preheatToken));
  }

  private static final byte[] JOB =
      ("{\"type\":\"preheat\",\"args\":{\"type\":\"image\","
              + "\"url\":\"https://registry.test/v2/team/app/manifests/1\","
              + "\"headers\":{\"Authorization\":\"Bearer robot-secret\"}}}")
          .getBytes(StandardCharsets.US_ASCII);

  private String createJob(String extraHeaders) {
    send(
        "POST /oapi/v1/jobs HTTP/1.1\r\nHost: seeder\r\nContent-Type: application/json\r\n"
            + "Content-Length: "
            + JOB.length
            + "\r\n"
            + extraHeaders
            + "\r\n",
        JOB);
    return responses();
  }

  private Metainfo metainfo(String name) {
    try {
      Path blob = Files.write(temp.resolve("blob"), new byte[100]);
      return Metainfo.create(blob, name, List.of(URI.create("http://t/announce")), 32768);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private HttpAuth member() {
    return HttpAuth.of(Optional.of(secret), clock);
  }

  private String get(String target, String extraHeaders) {
    send("GET " + target + " HTTP/1.1\r\nHost: seeder\r\n" + extraHeaders + "\r\n", new byte[0]);
    return responses();
  }

  private String notify(String extraHeaders) {
    send(
        "POST /notifications HTTP/1.1\r\nHost: seeder\r\nContent-Type: application/json\r\n"
            + "Content-Length: "
            + ENVELOPE.length
            + "\r\n"
            + extraHeaders
            + "\r\n",
        ENVELOPE);
    return responses();
  }

  private void send(String head, byte[] body) {
    channel.writeInbound(Unpooled.copiedBuffer(head, StandardCharsets.US_ASCII));
    if (body.length > 0 && channel.isOpen()) {
      channel.writeInbound(Unpooled.wrappedBuffer(body));
    }
    channel.runPendingTasks();
  }

  private String responses() {
    StringBuilder all = new StringBuilder();
    for (Object out; (out = channel.readOutbound()) != null; ) {
      ByteBuf bytes = (ByteBuf) out;
      all.append(bytes.toString(StandardCharsets.ISO_8859_1));
      bytes.release();
    }
    return all.toString();
  }

  private String signature(String target) {
    return HttpSignature.HEADER
        + ": "
        + HttpSignature.of(secret).sign("GET", target, clock.instant())
        + "\r\n";
  }

  @Test
  void aSignedMetainfoRequestFromAMemberIsAnswered() {
    open(member(), Optional.empty());

    assertThat(get(METAINFO, signature(METAINFO))).startsWith("HTTP/1.1 200 OK");
    assertThat(lookups).hasValue(1);
  }

  @Test
  void anUnsignedMetainfoRequestIsRefusedAndFetchesNothing() {
    open(member(), Optional.empty());

    String response = get(METAINFO, "");

    assertThat(response).startsWith("HTTP/1.1 401 Unauthorized").contains("cluster.secret-file");
    assertThat(lookups).hasValue(0);
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aSignatureForAnotherRepositoryIsRefused() {
    open(member(), Optional.empty());
    String other = METAINFO.replace("private/app", "public/app");

    assertThat(get(METAINFO, signature(other))).startsWith("HTTP/1.1 401");
    assertThat(lookups).hasValue(0);
  }

  @Test
  void theRingAndHeldBlobsAreForSignedRequestsOnly() {
    open(member(), Optional.empty());
    String blob = "/blobs/sha256:" + "c".repeat(64);

    assertThat(get("/ring", "")).startsWith("HTTP/1.1 401").contains("cluster.secret-file");
    channel.finishAndReleaseAll();
    open(member(), Optional.empty());
    assertThat(get(blob, "")).startsWith("HTTP/1.1 401");
    channel.finishAndReleaseAll();
    open(member(), Optional.empty());
    // Signed, they pass to the handler, which has no member API here: 404.
    assertThat(get("/ring", signature("/ring"))).startsWith("HTTP/1.1 404");
    assertThat(get(blob, signature(blob))).startsWith("HTTP/1.1 404");
  }

  @Test
  void healthAndMetricsStayOpen() {
    open(member(), Optional.empty());

    assertThat(get("/healthz", "")).startsWith("HTTP/1.1 200 OK");
    assertThat(get("/metrics", "")).startsWith("HTTP/1.1 200 OK");
  }

  @Test
  void aNotificationWithTheTokenIsTaken() {
    open(member(), Optional.of(BearerToken.of(TOKEN)));

    assertThat(notify("Authorization: Bearer " + TOKEN + "\r\n")).startsWith("HTTP/1.1 200 OK");
    assertThat(notified).hasSize(1);
  }

  @Test
  void aForgedNotificationIsRefusedUnreadAndNothingIsFetched() {
    open(member(), Optional.of(BearerToken.of(TOKEN)));

    String wrong = notify("Authorization: Bearer forged-token-0123456789abcdef\r\n");

    assertThat(wrong)
        .startsWith("HTTP/1.1 401")
        .contains("seeder.notifications-token-file")
        .doesNotContain("forged-token");
    assertThat(notified).isEmpty();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aNotificationWithoutATokenIsRefusedInOpenModeToo() {
    open(HttpAuth.open(), Optional.of(BearerToken.of(TOKEN)));

    assertThat(notify("")).startsWith("HTTP/1.1 401");
    assertThat(notified).isEmpty();
  }

  @Test
  void withASecretButNoTokenNotificationsAreRefusedNamingTheKey() {
    open(member(), Optional.empty());

    assertThat(notify("Authorization: Bearer " + TOKEN + "\r\n"))
        .startsWith("HTTP/1.1 401")
        .contains("no seeder.notifications-token-file");
    assertThat(notified).isEmpty();
  }

  @Test
  void inOpenModeWithoutATokenEverythingPasses() {
    open(HttpAuth.open(), Optional.empty());

    assertThat(get(METAINFO, "")).startsWith("HTTP/1.1 200 OK");
    assertThat(notify("")).startsWith("HTTP/1.1 200 OK");
  }

  @Test
  void thePreheatApiTakesItsTokenInEachOfHarborsAuthModes() {
    String basic =
        java.util.Base64.getEncoder()
            .encodeToString(("harbor:" + TOKEN).getBytes(StandardCharsets.US_ASCII));
    for (String header :
        List.of(
            "Authorization: Bearer " + TOKEN,
            "Authorization: Basic " + basic,
            "X-LayerSwarm-Token: " + TOKEN)) {
      openWithPreheatApi(member(), Optional.of(BearerToken.of(TOKEN)));

      assertThat(createJob(header + "\r\n")).as(header).startsWith("HTTP/1.1 200 OK");
      assertThat(get("/healthy", header + "\r\n")).as(header).startsWith("HTTP/1.1 200 OK");
      channel.finishAndReleaseAll();
    }
    assertThat(jobs).hasSize(3);
    openWithPreheatApi(member(), Optional.of(BearerToken.of(TOKEN)));
  }

  @Test
  void aPreheatJobWithAWrongTokenIsRefusedUnreadAndNotEchoed() {
    openWithPreheatApi(member(), Optional.of(BearerToken.of(TOKEN)));

    String wrong = createJob("Authorization: Bearer forged-token-0123456789abcdef\r\n");

    assertThat(wrong)
        .startsWith("HTTP/1.1 401")
        .contains("seeder.preheat-api-token-file")
        .contains("X-LayerSwarm-Token")
        .doesNotContain("forged-token")
        .doesNotContain("robot-secret");
    assertThat(jobs).isEmpty();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void withASecretButNoPreheatTokenThePreheatApiIsOffNamingTheKey() {
    openWithPreheatApi(member(), Optional.empty());

    assertThat(get("/healthy", "")).startsWith("HTTP/1.1 401").contains("no seeder.preheat-api");
    assertThat(jobs).isEmpty();
  }

  @Test
  void inOpenModeWithoutAPreheatTokenThePreheatApiTakesHarborsNoneMode() {
    openWithPreheatApi(HttpAuth.open(), Optional.empty());

    assertThat(createJob("")).startsWith("HTTP/1.1 200 OK").contains("\"state\":\"PENDING\"");
    assertThat(jobs).hasSize(1);
  }

  @Test
  void withoutAPreheatApiItsPathsAreNotFound() {
    open(HttpAuth.open(), Optional.empty());

    assertThat(get("/healthy", "")).startsWith("HTTP/1.1 404");
    assertThat(get("/oapi/v1/jobs/1", "")).startsWith("HTTP/1.1 404");
  }
}
