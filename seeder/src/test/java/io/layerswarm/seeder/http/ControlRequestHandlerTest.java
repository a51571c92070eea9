package io.layerswarm.seeder.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.registry.notify.NotificationFormatException;
import io.layerswarm.seeder.seeding.OriginDigestMismatchException;
import io.layerswarm.seeder.seeding.OriginFetchException;
import io.layerswarm.seeder.seeding.SeederException;
import io.layerswarm.seeder.seeding.SeedingException;
import io.layerswarm.seeder.seeding.UnknownUpstreamException;
import io.layerswarm.seeder.seeding.UpstreamBlobUnknownException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlRequestHandlerTest {
  private static final String HEX = "c".repeat(64);
  private static final String METAINFO_URI =
      "/metainfo/sha256:" + HEX + "?registry=registry.test&repo=library/app";

  /** Lookups run when the test says so. */
  private final ArrayDeque<Runnable> lookups = new ArrayDeque<>();

  private final Executor manual = lookups::add;
  private EmbeddedChannel channel;

  @TempDir Path temp;

  @AfterEach
  void nothingLeftOver() {
    if (channel != null) {
      assertThat(channel.finishAndReleaseAll()).isFalse();
    }
  }

  private void open(ControlRequestHandler.Lookup lookup, Executor executor) {
    channel = new EmbeddedChannel(new ControlRequestHandler(lookup, executor));
  }

  private void request(HttpMethod method, String uri) {
    channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri));
  }

  private void runLookups() {
    while (!lookups.isEmpty()) {
      lookups.poll().run();
    }
    channel.runPendingTasks();
  }

  private FullHttpResponse response() {
    FullHttpResponse response = channel.readOutbound();
    assertThat(response).as("a response was written").isNotNull();
    return response;
  }

  private static String bodyOf(FullHttpResponse response) {
    try {
      return response.content().toString(StandardCharsets.UTF_8);
    } finally {
      response.release();
    }
  }

  private Metainfo metainfo() throws Exception {
    Path blob = Files.write(temp.resolve("blob"), new byte[] {1, 2, 3});
    return Metainfo.create(
        blob,
        Digest.sha256(new byte[] {1, 2, 3}).hex(),
        List.of(URI.create("http://127.0.0.1:1/announce")),
        256 * 1024);
  }

  @Test
  void metainfoIsLookedUpOffTheEventLoopAndWrittenAsTorrentBytes() throws Exception {
    Metainfo metainfo = metainfo();
    open((digest, registry, repo) -> metainfo, manual);

    request(HttpMethod.GET, METAINFO_URI);
    assertThat(channel.<Object>readOutbound()).isNull();
    assertThat(channel.config().isAutoRead()).isFalse();
    runLookups();

    FullHttpResponse response = response();
    assertThat(response.status().code()).isEqualTo(200);
    assertThat(response.headers().get("content-type")).isEqualTo("application/x-bittorrent");
    assertThat(response.headers().getInt("content-length")).isEqualTo(metainfo.encode().length);
    byte[] body = new byte[response.content().readableBytes()];
    response.content().readBytes(body);
    response.release();
    assertThat(body).isEqualTo(metainfo.encode());
    assertThat(channel.config().isAutoRead()).isTrue();
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    Metainfo metainfo = metainfo();
    open((digest, registry, repo) -> metainfo, manual);

    request(HttpMethod.GET, METAINFO_URI);
    request(HttpMethod.GET, "/healthz");
    assertThat(channel.<Object>readOutbound()).isNull();
    runLookups();

    FullHttpResponse first = response();
    assertThat(first.headers().get("content-type")).isEqualTo("application/x-bittorrent");
    first.release();
    assertThat(bodyOf(response())).isEqualTo("ok\n");
  }

  @Test
  void healthIs503NamingWhatIsWrongWhileAThreadOrPoolIsDead() {
    List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
    channel =
        new EmbeddedChannel(
            new ControlRequestHandler(
                (digest, registry, repo) -> null, null, () -> "", manual, () -> problems));

    request(HttpMethod.GET, "/healthz");
    assertThat(bodyOf(response())).isEqualTo("ok\n");
    problems.add("seeder-http-1 has stopped: it refuses tasks");
    request(HttpMethod.GET, "/healthz");

    FullHttpResponse unhealthy = response();
    assertThat(unhealthy.status().code()).isEqualTo(503);
    assertThat(bodyOf(unhealthy)).contains("seeder-http-1 has stopped: it refuses tasks");
  }

  @Test
  void failuresAreMappedToStatusesAtTheEdge() {
    List<SeederException> failures =
        List.of(
            new UnknownUpstreamException("registry.test"),
            new UpstreamBlobUnknownException("fetch: no such blob", null),
            new OriginDigestMismatchException("fetch: hashed to something else", null),
            new OriginFetchException("fetch: HTTP 503", null),
            new SeedingException("seed: disk full", null));
    List<Integer> statuses = List.of(404, 404, 502, 502, 500);
    List<String> codes =
        List.of(
            "NAME_UNKNOWN",
            "BLOB_UNKNOWN",
            "DIGEST_MISMATCH",
            "ORIGIN_UNAVAILABLE",
            "SEEDER_ERROR");
    ArrayDeque<SeederException> pending = new ArrayDeque<>(failures);
    open(
        (digest, registry, repo) -> {
          throw pending.poll();
        },
        manual);

    for (int i = 0; i < failures.size(); i++) {
      request(HttpMethod.GET, METAINFO_URI);
      runLookups();
      FullHttpResponse response = response();
      assertThat(response.status().code()).isEqualTo(statuses.get(i));
      assertThat(response.headers().get("content-type")).isEqualTo("application/json");
      assertThat(bodyOf(response))
          .contains("\"code\":\"" + codes.get(i) + "\"")
          .contains(failures.get(i).getMessage());
    }
  }

  @Test
  void unexpectedLookupFailureIsInternalServerError() {
    open(
        (digest, registry, repo) -> {
          throw new IllegalStateException("bug");
        },
        manual);

    request(HttpMethod.GET, METAINFO_URI);
    runLookups();

    FullHttpResponse response = response();
    assertThat(response.status().code()).isEqualTo(500);
    response.release();
  }

  @Test
  void fullLookupExecutorIsServiceUnavailableWithRetryAfter() {
    open(
        (digest, registry, repo) -> {
          throw new AssertionError("not called");
        },
        task -> {
          throw new RejectedExecutionException("full");
        });

    request(HttpMethod.GET, METAINFO_URI);

    FullHttpResponse response = response();
    assertThat(response.status().code()).isEqualTo(503);
    assertThat(response.headers().get("retry-after")).isEqualTo("1");
    response.release();
    assertThat(channel.config().isAutoRead()).isTrue();
  }

  @Test
  void badParametersAreAnsweredWithoutALookup() {
    open(
        (digest, registry, repo) -> {
          throw new AssertionError("not called");
        },
        manual);

    request(HttpMethod.GET, "/metainfo/sha256:" + HEX + "?registry=registry.test");

    FullHttpResponse response = response();
    assertThat(response.status().code()).isEqualTo(400);
    assertThat(bodyOf(response)).contains("\"parameter\":\"repo\"");
    assertThat(lookups).isEmpty();
  }

  @Test
  void errorMessagesAreEscapedAsJsonStrings() {
    open(
        (digest, registry, repo) -> {
          throw new OriginFetchException(
              "quote \" backslash \\ newline \n tab \t bell \u0007", null);
        },
        manual);

    request(HttpMethod.GET, METAINFO_URI);
    runLookups();

    assertThat(bodyOf(response()))
        .contains("quote \\\" backslash \\\\ newline \\n tab \\t bell \\u0007");
  }

  private final List<String> notified = new ArrayList<>();

  private void openWithNotifications() {
    channel =
        new EmbeddedChannel(
            new ControlRequestHandler(
                (digest, registry, repo) -> {
                  throw new AssertionError("not called");
                },
                body -> {
                  String text = new String(body, StandardCharsets.UTF_8);
                  if (!text.startsWith("{")) {
                    throw new NotificationFormatException("read notification: not JSON");
                  }
                  notified.add(text);
                  return "{\"queued\":1}";
                },
                () -> "seeder_blobs 3.0\n",
                manual));
  }

  private void post(String uri, String body) {
    ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
    channel.writeInbound(
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri, content));
  }

  @Test
  void aNotificationIsHandedOverWithItsBodyAndAnsweredAtOnce() {
    openWithNotifications();

    post("/notifications", "{\"events\":[]}");

    FullHttpResponse response = response();
    assertThat(response.status().code()).isEqualTo(200);
    assertThat(bodyOf(response)).isEqualTo("{\"queued\":1}");
    assertThat(notified).containsExactly("{\"events\":[]}");
    assertThat(lookups).isEmpty();
  }

  @Test
  void aMalformedNotificationIsBadRequestAndNothingIsQueued() {
    openWithNotifications();

    post("/notifications", "events: []");

    FullHttpResponse response = response();
    assertThat(response.status().code()).isEqualTo(400);
    assertThat(bodyOf(response)).contains("NOTIFICATION_INVALID").contains("not JSON");
    assertThat(notified).isEmpty();
  }

  @Test
  void withoutANotificationSinkTheEndpointIsNotFound() {
    open(
        (digest, registry, repo) -> {
          throw new AssertionError("not called");
        },
        manual);

    post("/notifications", "{}");

    FullHttpResponse response = response();
    assertThat(response.status().code()).isEqualTo(404);
    response.release();
  }

  @Test
  void metricsAreScrapedOffTheEventLoop() {
    openWithNotifications();

    request(HttpMethod.GET, "/metrics");
    assertThat(channel.<Object>readOutbound()).isNull();
    runLookups();

    FullHttpResponse response = response();
    assertThat(response.status().code()).isEqualTo(200);
    assertThat(response.headers().get("content-type")).startsWith("text/plain; version=0.0.4");
    assertThat(bodyOf(response)).isEqualTo("seeder_blobs 3.0\n");
  }

  private void openWithMembers(Path blob, Digest held) {
    channel =
        new EmbeddedChannel(
            new ControlRequestHandler(
                (digest, registry, repo) -> {
                  throw new AssertionError("not called");
                },
                null,
                () -> "",
                manual,
                List::of,
                null,
                new ControlRequestHandler.MemberApi() {
                  @Override
                  public String ring() {
                    return "layerswarm-ring 1\nversion 5\nreplicas 1\nmember http://a:1\n";
                  }

                  @Override
                  public java.util.Optional<Path> heldBlob(Digest digest) {
                    return digest.equals(held)
                        ? java.util.Optional.of(blob)
                        : java.util.Optional.empty();
                  }
                }));
  }

  @Test
  void theRingIsAnsweredAsText() {
    openWithMembers(temp.resolve("none"), Digest.sha256(new byte[] {9}));

    request(HttpMethod.GET, "/ring");

    FullHttpResponse response = response();
    assertThat(response.status().code()).isEqualTo(200);
    assertThat(bodyOf(response)).startsWith("layerswarm-ring 1\nversion 5");
  }

  @Test
  void aHeldBlobIsSentWholeAsAFileRegionAndAnUnheldOneIs404() throws Exception {
    byte[] bytes = new byte[70_000];
    new java.util.Random(5).nextBytes(bytes);
    Digest held = Digest.sha256(bytes);
    Path blob = Files.write(temp.resolve("held"), bytes);
    openWithMembers(blob, held);

    request(HttpMethod.GET, "/blobs/" + held);
    assertThat(channel.<Object>readOutbound()).isNull();
    runLookups();

    io.netty.handler.codec.http.HttpResponse head = channel.readOutbound();
    assertThat(head.status().code()).isEqualTo(200);
    assertThat(head.headers().getInt("content-length")).isEqualTo(bytes.length);
    assertThat(head.headers().get("docker-content-digest")).isEqualTo(held.toString());
    io.netty.channel.FileRegion region = channel.readOutbound();
    assertThat(region.count()).isEqualTo(bytes.length);
    region.release();
    assertThat(channel.<Object>readOutbound())
        .isSameAs(io.netty.handler.codec.http.LastHttpContent.EMPTY_LAST_CONTENT);

    request(HttpMethod.GET, "/blobs/" + Digest.sha256(new byte[] {1}));
    runLookups();
    FullHttpResponse missing = response();
    assertThat(missing.status().code()).isEqualTo(404);
    assertThat(bodyOf(missing)).contains("BLOB_UNKNOWN");
    assertThat(channel.config().isAutoRead()).isTrue();
  }

  @Test
  void withoutAMemberApiRingAndBlobsAreNotFound() {
    open(
        (digest, registry, repo) -> {
          throw new AssertionError("not called");
        },
        manual);

    request(HttpMethod.GET, "/ring");
    FullHttpResponse ring = response();
    assertThat(ring.status().code()).isEqualTo(404);
    ring.release();
    request(HttpMethod.GET, "/blobs/" + Digest.sha256(new byte[] {1}));
    FullHttpResponse blob = response();
    assertThat(blob.status().code()).isEqualTo(404);
    blob.release();
  }
}
