package io.layerswarm.seeder.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.core.auth.BearerToken;
import io.layerswarm.core.auth.ClusterSecret;
import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.auth.HttpSignature;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.registry.RegistryHost;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.seeder.metrics.SeederMetrics;
import io.layerswarm.seeder.preheat.NotificationQueue;
import io.layerswarm.seeder.preheat.PreheatService;
import io.layerswarm.testing.ManualClock;
import io.layerswarm.testing.fuzz.ConnectedEmbeddedChannel;
import io.layerswarm.testing.fuzz.FuzzTarget;
import io.layerswarm.testing.fuzz.HttpInputs;
import io.layerswarm.testing.fuzz.Mutations;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;

/**
 * Fuzz target: the seeder's control endpoint, {@code GET /metainfo/...} and {@code POST
 * /notifications} above all, through the whole pipeline {@link ControlChannelInitializer} builds,
 * fed raw HTTP bytes on an embedded connection. Behind it are the real notification sink and queue
 * ({@link NotificationSinks}, {@link NotificationQueue}) and a lookup that records its calls.
 *
 * <p>Requests are well-formed HTTP around mutated targets, headers and bodies, and sometimes
 * mutated bytes of a whole request; with a cluster secret, the fuzzer signs the mutated target (and
 * sends the notifications token) so the input gets past the access check. Every request gets an
 * answer below 500 (the connection may close after it); only a request answered 200 reaches the
 * seeder: a lookup for a valid digest, registry and repository, or queued preheats; anything else
 * changes nothing.
 */
class ControlEndpointFuzzTest {
  private static final String DIGEST = "sha256:" + "5e".repeat(32);
  private static final String TOKEN = "webhook-token-0123456789abcdef";
  private static final String HOST = "registry.test:5000";
  private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.1 (\\d{3}) ");
  private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.9", 40000);
  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 6970);

  private static final List<String> TARGETS =
      List.of(
          "/metainfo/" + DIGEST + "?registry=" + HOST + "&repo=team/app",
          "/metainfo/" + DIGEST + "?registry=%5B%3A%3A1%5D%3A5000&repo=a/b/c",
          "/metainfo/sha256%3A" + "5e".repeat(32) + "?repo=app&registry=docker.io",
          "/notifications",
          "/healthz",
          "/metrics",
          "/");

  private static final List<String> TARGET_TOKENS =
      List.of(
          "%",
          "%zz",
          "%2",
          "%3A",
          "%00",
          "&",
          "=",
          "?",
          "#",
          "/",
          "..",
          "+",
          "registry=",
          "repo=",
          "&registry=" + HOST,
          "&repo=x",
          "sha256:",
          ":99999",
          "[::1]",
          "\u00e9");

  /** Notification bodies: a manifest push, other events, an empty envelope. */
  private static final List<String> BODIES =
      List.of(
          """
          {"events":[{"action":"push","target":{
            "mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%1$s",
            "repository":"team/app","url":"http://%2$s/v2/team/app/manifests/%1$s"},
            "request":{"host":"%2$s"}}]}
          """
              .formatted(DIGEST, HOST),
          """
          {"events":[{"action":"pull","target":{"digest":"%s","repository":"app"}},
            {"action":"push","target":{"mediaType":"application/octet-stream"}}]}
          """
              .formatted(DIGEST),
          "{\"events\":[]}",
          "");

  private static final List<String> BODY_TOKENS =
      List.of(
          "{",
          "}",
          "[",
          "]",
          ",",
          ":",
          "\"",
          "\\",
          "null",
          "\"push\"",
          "\"events\"",
          "\"repository\":\"A\"",
          "\"digest\":\"sha256:\"",
          "[".repeat(1100),
          "\u00e9");

  private static final List<String> METHODS = List.of("GET", "POST", "HEAD", "PUT", "get", "");

  private static final Metainfo METAINFO = metainfo();
  private static final ClusterSecret SECRET =
      ClusterSecret.of("fuzz-cluster-secret-0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

  private static final Upstreams UPSTREAMS =
      Upstreams.single(new InMemoryUpstreamRegistry(URI.create("http://" + HOST)));

  /** Never asked to warm a blob: the queue's worker never runs its jobs. */
  private static final PreheatService PREHEAT =
      new PreheatService(
          UPSTREAMS,
          (Digest digest, RegistryHost registry, RepositoryName repo) -> {
            throw new AssertionError("the test never runs a preheat");
          },
          Runnable::run,
          e -> {});

  private static final SeederMetrics METRICS = new SeederMetrics();

  /** Never advanced: every signature the fuzzer makes is current. */
  private static final ManualClock CLOCK = new ManualClock();

  private final List<ConnectedEmbeddedChannel> channels = new ArrayList<>();

  /** One request as the fuzzer sends it. */
  record Request(String method, String target, byte[] body, boolean chunked) {}

  @AfterProperty
  void releaseEverything() {
    channels.forEach(ConnectedEmbeddedChannel::finishAndReleaseAll);
    channels.clear();
  }

  @FuzzTarget
  void anyRequestIsAnsweredBelow500AndOnlyAValidOneReachesTheSeeder(
      @ForAll("requests") Request request, @ForAll boolean withSecret) {
    send(seeder(withSecret), wellFormed(request, withSecret));
  }

  @FuzzTarget
  void anyBytesAreAnsweredBelow500OrClosedAndChangeNothing(
      @ForAll("raw") String bytes, @ForAll boolean withSecret) {
    send(seeder(withSecret), bytes.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Found by this target: the access check's path decoding threw, the connection closed mute. */
  @Example
  void aMalformedEscapeInThePathIsABadRequest() {
    for (boolean withSecret : new boolean[] {false, true}) {
      for (String target :
          List.of(
              "/%metainfo/" + DIGEST + "?registry=" + HOST + "&repo=team/app",
              "/metainfo/sha256%;A" + "5e".repeat(32) + "?repo=app&registry=docker.io",
              "/metainfo/" + DIGEST + "?registry=" + HOST + "&repo=team/app%zz",
              "/notifications%")) {
        Request request = new Request("GET", target, new byte[0], false);
        assertThat(statuses(seeder(withSecret), wellFormed(request, withSecret)))
            .as(target)
            .containsExactly(400);
      }
    }
  }

  /** A seeder's control endpoint, open or with a cluster secret and a notifications token. */
  private Seeder seeder(boolean withSecret) {
    HttpAuth auth = withSecret ? HttpAuth.of(Optional.of(SECRET), CLOCK) : HttpAuth.open();
    Optional<BearerToken> token =
        withSecret ? Optional.of(BearerToken.of(TOKEN)) : Optional.empty();
    NotificationQueue queue = new NotificationQueue(PREHEAT, UPSTREAMS, job -> {}, 8, r -> {});
    List<String> lookups = new ArrayList<>();
    ConnectedEmbeddedChannel channel =
        ConnectedEmbeddedChannel.open(
            REMOTE,
            LOCAL,
            new ControlChannelInitializer(
                (digest, registry, repo) -> {
                  lookups.add(digest + " " + registry + " " + repo);
                  return METAINFO;
                },
                NotificationSinks.of(queue, METRICS),
                () -> "",
                Runnable::run,
                auth,
                token));
    channels.add(channel);
    return new Seeder(channel, lookups, queue);
  }

  private record Seeder(
      ConnectedEmbeddedChannel channel, List<String> lookups, NotificationQueue queue) {}

  /** Found by this target: the body limit read a malformed Content-Length and threw. */
  @Example
  void aMalformedContentLengthIsABadRequest() {
    for (boolean withSecret : new boolean[] {false, true}) {
      for (String length : List.of("% 0", "-1", "1x", "99999999999999999999", "1, 2")) {
        String request =
            "POST /notifications HTTP/1.1\r\nHost: seeder\r\nAuthorization: Bearer "
                + TOKEN
                + "\r\nContent-Length: "
                + length
                + "\r\n\r\n{}";
        assertThat(statuses(seeder(withSecret), request.getBytes(StandardCharsets.ISO_8859_1)))
            .as(length)
            .containsExactly(400);
      }
    }
  }

  /**
   * Found by this target: a request the codec could not parse, pipelined behind a lookup, was
   * answered at once and closed the connection, so the lookup's answer never went out.
   */
  @Example
  void aMalformedRequestBehindALookupIsAnsweredInOrder() {
    String lookup =
        latin1(wellFormed(new Request("GET", TARGETS.get(0), new byte[0], false), false));
    String request = lookup + "GARBAGE\r\n\r\n";

    assertThat(statuses(seeder(false), request.getBytes(StandardCharsets.ISO_8859_1)))
        .containsExactly(200, 400);
  }

  /** Writes {@code bytes} and checks the answers and what reached the seeder. */
  private static void send(Seeder seeder, byte[] bytes) {
    ConnectedEmbeddedChannel channel = seeder.channel();
    int waitingBefore = seeder.queue().waiting();
    List<Integer> statuses = statuses(seeder, bytes);
    if (!channel.isOpen()) {
      // A connection may close after its answers, or when the bytes are not HTTP at all; never
      // without a word after a request that parsed.
      assertThat(statuses.isEmpty() && looksLikeARequest(bytes))
          .as("closed without an answer")
          .isFalse();
    }
    assertThat(statuses).allMatch(status -> status == 100 || (status >= 200 && status < 500));
    // Pipelined requests are answered in order: each lookup and each queued preheat needs a 200.
    long ok = statuses.stream().filter(status -> status == 200).count();
    assertThat((long) seeder.lookups().size()).as("lookups").isLessThanOrEqualTo(ok);
    if (ok == 0) {
      assertThat(seeder.queue().waiting()).as("preheats queued").isEqualTo(waitingBefore);
    }
  }

  /** Writes {@code bytes} and returns the statuses of the answers, in order. */
  private static List<Integer> statuses(Seeder seeder, byte[] bytes) {
    ConnectedEmbeddedChannel channel = seeder.channel();
    channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    channel.runPendingTasks();
    channel.checkException();
    List<Integer> statuses = new ArrayList<>();
    for (Object out; (out = channel.readOutbound()) != null; ) {
      ByteBuf buffer = (ByteBuf) out;
      Matcher status = STATUS.matcher(buffer.toString(StandardCharsets.ISO_8859_1));
      if (status.find()) {
        statuses.add(Integer.parseInt(status.group(1)));
      }
      buffer.release();
    }
    return statuses;
  }

  /** A request line and a blank line: the codec must have parsed a request from these bytes. */
  private static boolean looksLikeARequest(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    return text.matches("(?s)(GET|POST) /[!-~]* HTTP/1\\.1\r\n([!-~][ -~]*\r\n)*\r\n.*");
  }

  /** The request with a well-formed head; with a secret, signed and carrying the token. */
  private static byte[] wellFormed(Request request, boolean withSecret) {
    StringBuilder head = new StringBuilder();
    head.append(request.method()).append(' ').append(request.target()).append(" HTTP/1.1\r\n");
    head.append("Host: seeder\r\n");
    if (withSecret) {
      String signature =
          HttpSignature.of(SECRET).sign(request.method(), request.target(), CLOCK.instant());
      head.append(HttpSignature.HEADER).append(": ").append(signature).append("\r\n");
      head.append("Authorization: Bearer ").append(TOKEN).append("\r\n");
    }
    head.append("Content-Type: application/json\r\n");
    return HttpInputs.withBody(head.toString(), request.body(), request.chunked());
  }

  @Provide
  Arbitrary<Request> requests() {
    Arbitrary<String> targets = Mutations.text(TARGETS, TARGET_TOKENS);
    Arbitrary<byte[]> bodies = Mutations.bytes(Mutations.utf8(BODIES), Mutations.utf8(BODY_TOKENS));
    return Combinators.combine(
            Arbitraries.of(METHODS), targets, bodies, Arbitraries.of(false, false, false, true))
        .as(Request::new);
  }

  /** Whole requests, mutated as bytes: the HTTP codec's errors as well as the handlers'. */
  @Provide
  Arbitrary<String> raw() {
    List<String> seeds = new ArrayList<>();
    for (String target : TARGETS) {
      seeds.add(latin1(wellFormed(new Request("GET", target, new byte[0], false), false)));
    }
    for (String body : BODIES) {
      byte[] utf8 = body.getBytes(StandardCharsets.UTF_8);
      seeds.add(latin1(wellFormed(new Request("POST", "/notifications", utf8, false), false)));
    }
    List<String> tokens = new ArrayList<>(TARGET_TOKENS);
    tokens.addAll(
        List.of(
            "\r\n",
            "\n",
            " ",
            ":",
            "Content-Length: 99999999999\r\n",
            "Transfer-Encoding: chunked\r\n",
            "Expect: 100-continue\r\n",
            "HTTP/1.0",
            "Connection: close\r\n"));
    return Arbitraries.frequencyOf(
        Tuple.of(3, Mutations.latin1(seeds, tokens)),
        Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(300)));
  }

  private static String latin1(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  private static Metainfo metainfo() {
    try {
      Path dir = Files.createTempDirectory("control-fuzz");
      Path blob = Files.write(dir.resolve("blob"), new byte[100]);
      Metainfo metainfo =
          Metainfo.create(blob, "5e".repeat(32), List.of(URI.create("http://t/announce")), 32768);
      Files.delete(blob);
      Files.delete(dir);
      return metainfo;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
