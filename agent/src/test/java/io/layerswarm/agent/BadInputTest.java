package io.layerswarm.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile requests against a running agent (origin in memory, trackers refusing): malformed paths,
 * names, references, digests and Range headers, fixed ones and seeded random ones. Each gets an
 * answer below 500, nothing new is stored, and the agent keeps serving.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
  private static final RepositoryName REPO = new RepositoryName("test/app");
  private static final String ORIGIN_HOST = "origin.test:5000";
  private static final String HEX = "0123456789abcdef".repeat(4);

  @TempDir static Path data;
  private InMemoryUpstreamRegistry origin;
  private AgentServer agent;
  private byte[] cachedContent;
  private Digest cached;
  private List<String> storedBefore;

  @BeforeAll
  void start() throws IOException {
    origin = new InMemoryUpstreamRegistry(URI.create("http://" + ORIGIN_HOST));
    URI closedTracker;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedTracker = URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }
    agent =
        AgentServer.start(
            AgentConfig.defaults(data, List.of(closedTracker))
                .withListen(new InetSocketAddress("127.0.0.1", 0))
                .withPeerListen(new InetSocketAddress("127.0.0.1", 0))
                .withSwarmDeadline(Duration.ofSeconds(2)),
            Upstreams.single(origin));
    cachedContent = new byte[10_000];
    new Random(1).nextBytes(cachedContent);
    cached = origin.putBlob(REPO, cachedContent);
    assertThat(RawHttp.get(agent.address(), "/v2/" + REPO + "/blobs/" + cached).body())
        .isEqualTo(cachedContent);
    storedBefore = storedFiles();
  }

  @AfterAll
  void stop() throws IOException {
    if (agent == null) {
      return;
    }
    try {
      // Still serving, and nothing was added or changed by the bad requests.
      assertThat(RawHttp.get(agent.address(), "/v2/").status()).isEqualTo(200);
      assertThat(RawHttp.get(agent.address(), "/v2/" + REPO + "/blobs/" + cached).body())
          .isEqualTo(cachedContent);
      assertThat(storedFiles()).isEqualTo(storedBefore);
    } finally {
      agent.close();
    }
  }

  /** Every file under the data directory that holds state (blobs, metainfo, partial, tmp). */
  private List<String> storedFiles() throws IOException {
    try (Stream<Path> files = Files.walk(data)) {
      return files
          .filter(Files::isRegularFile)
          .map(p -> data.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  /** Sends raw request bytes and checks the answer is a definite one below 500. */
  private RawHttp.Response check(String description, byte[] request) throws IOException {
    RawHttp.Response response = RawHttp.exchange(agent.address(), request, false);
    assertThat(response.status()).as(description).isBetween(200, 499);
    return response;
  }

  private RawHttp.Response get(String target, String... headerLines) throws IOException {
    StringBuilder request =
        new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\n").append("Host: agent\r\n");
    for (String line : headerLines) {
      request.append(line).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    return check(
        "GET " + printable(target) + " " + Arrays.toString(headerLines),
        request.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  private static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return out.length() > 200 ? out.substring(0, 200) + "..." : out.toString();
  }

  static Stream<String> hostileTargets() {
    String digest = "sha256:" + HEX;
    return Stream.of(
        "/v2/../x/manifests/a",
        "/v2/test/../app/blobs/" + digest,
        "/v2/./test/app/blobs/" + digest,
        "/v2/%2e%2e/x/manifests/a",
        "/v2/%2E%2e/%2e%2E/etc/passwd/blobs/" + digest,
        "/v2/test%2fapp/blobs/" + digest,
        "/v2/test%2Fapp/blobs/" + digest,
        "/v2/test%252fapp/blobs/" + digest,
        "/v2/test/app%00/blobs/" + digest,
        "/v2/test/app/blobs/" + digest + "%00",
        "/v2/test/app/blobs/sha256:" + HEX.substring(1),
        "/v2/test/app/blobs/sha256:" + HEX + "0",
        "/v2/test/app/blobs/sha256:" + HEX.toUpperCase(),
        "/v2/test/app/blobs/sha512:" + HEX + HEX,
        "/v2/test/app/blobs/sha256:../../" + HEX.substring(6),
        "/v2/test/app/blobs/" + digest + "/../../" + digest,
        "/v2/test/app/manifests/..",
        "/v2/test/app/manifests/%2e%2e",
        "/v2/test/app/manifests/" + "t".repeat(200),
        "/v2/test/app/manifests/tag%0d%0aX-Injected:%20yes",
        "/v2/" + "a".repeat(300) + "/blobs/" + digest,
        "/v2/" + "a/".repeat(200) + "blobs/" + digest,
        "/v2/test//app/blobs/" + digest,
        "/v2/test/app//blobs/" + digest,
        "/v2/test/app/blobs/",
        "/v2/test/app/blobs",
        "/v2/test/app/blobs/" + digest + "?ns=..",
        "/v2/test/app/blobs/" + digest + "?ns=%2e%2e%2f",
        "/v2/test/app/blobs/" + digest + "?ns=" + "h".repeat(500),
        "/v2/test/app/blobs/" + digest + "?ns=127.0.0.1:1%00",
        "/v2/test/app/blobs/" + digest + "?ns",
        "/v2/test/app/blobs/" + digest + "?ns=a&ns=b",
        "/v2/test/app/blobs/" + digest + "#frag",
        "/v2/t\u00e4st/app/blobs/" + digest,
        "/v2/test/app/blobs/%s%n%x",
        "/v2/test\\app/blobs/" + digest,
        "/v2/test/app/tags/list",
        "/v2/_catalog",
        "/v3/test/app/blobs/" + digest,
        "*",
        "http://evil.example/v2/test/app/blobs/" + digest,
        "/v2/test/app/blobs/" + digest + ";x=1",
        "/%76%32/test/app/blobs/" + digest);
  }

  @ParameterizedTest
  @MethodSource("hostileTargets")
  void hostileTargetsGetAClientErrorOrAnAnswerAndTouchNothing(String target) throws IOException {
    RawHttp.Response response = get(target);
    if (response.status() == 200 && target.contains(cached.hex())) {
      assertThat(response.body()).isEqualTo(cachedContent);
    }
    assertThat(storedFiles()).isEqualTo(storedBefore);
  }

  @Test
  void aNulByteInTheRequestLineIsRejected() throws IOException {
    byte[] request =
        ("GET /v2/test/app\u0000/blobs/sha256:"
                + HEX
                + " HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);

    RawHttp.Response response = check("raw NUL", request);

    assertThat(response.status()).isBetween(400, 499);
  }

  @Test
  void controlAndHighBytesInTheRequestLineAreRejected() throws IOException {
    for (char c : new char[] {'\u0001', '\u001b', '\u007f', '\u00ff', '\u0085'}) {
      byte[] request =
          ("GET /v2/te"
                  + c
                  + "st/app/manifests/latest HTTP/1.1\r\nHost: a\r\n"
                  + "Connection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1);
      assertThat(check("byte " + (int) c, request).status()).isBetween(400, 499);
    }
  }

  @Test
  void oversizedHeadersGet431() throws IOException {
    RawHttp.Response response = get("/v2/", "X-Big: " + "b".repeat(40 * 1024));

    assertThat(response.status()).isEqualTo(431);
  }

  @Test
  void anOversizedRequestLineGets414() throws IOException {
    assertThat(get("/v2/" + "a".repeat(10_000) + "/manifests/latest").status()).isEqualTo(414);
  }

  static Stream<String> oddRanges() {
    return Stream.of(
        "bytes=5-2",
        "bytes=-0",
        "bytes=a-b",
        "bytes=0-1,5-6",
        "bytes=-",
        "bytes=99999999999999999999999-",
        "bytes=-99999999999999999999999",
        "bytes=9223372036854775807-",
        "bytes=-9223372036854775807",
        "bytes=0-9223372036854775807",
        "bytes=10000-",
        "bytes=9999-",
        "bytes= 1-2",
        "BYTES=1-2",
        "items=0-1",
        "bytes=--1",
        "bytes=\u00e4-1",
        "bytes=0-0",
        "",
        "bytes=0x10-0x20");
  }

  @ParameterizedTest
  @MethodSource("oddRanges")
  void oddRangesOfACachedBlobGetTheBlobARangeOf416(String range) throws IOException {
    RawHttp.Response response = get("/v2/" + REPO + "/blobs/" + cached, "Range: " + range);

    assertThat(response.status()).as(range).isIn(200, 206, 416);
    if (response.status() == 200) {
      assertThat(response.body()).isEqualTo(cachedContent);
    } else if (response.status() == 206) {
      String[] bounds = response.header("Content-Range").split("[ /-]");
      int first = Integer.parseInt(bounds[1]);
      int last = Integer.parseInt(bounds[2]);
      assertThat(response.body()).isEqualTo(Arrays.copyOfRange(cachedContent, first, last + 1));
    } else {
      assertThat(response.header("Content-Range")).isEqualTo("bytes */" + cachedContent.length);
    }
  }

  @Test
  void severalRangeHeadersAreAnsweredToo() throws IOException {
    RawHttp.Response response =
        get("/v2/" + REPO + "/blobs/" + cached, "Range: bytes=0-1", "Range: bytes=5-9");

    assertThat(response.status()).isIn(200, 206, 416);
  }

  private static final String[] SEGMENTS = {
    "test",
    "app",
    "blobs",
    "manifests",
    "..",
    ".",
    "%2e%2e",
    "%2E",
    "%2f",
    "%2F",
    "%252e",
    "%00",
    "%0a",
    "%ff",
    "\u00e4",
    "",
    "A",
    "-",
    "_",
    "__",
    "a..b",
    "sha256:" + HEX,
    "sha256:" + HEX.substring(3),
    "sha256:",
    "md5:abc",
    "latest",
    "v1.0",
    "tag:x",
    ";",
    "\\",
    "%5c",
    "x".repeat(129),
    "y".repeat(256),
    "*",
    "~",
    "%20",
    "'",
    "\"",
    "<script>",
    "${jndi:ldap://x}",
    "%u002e"
  };
  private static final String[] QUERIES = {
    "",
    "?ns=" + ORIGIN_HOST,
    "?ns=..",
    "?ns=%00",
    "?ns=",
    "?ns=a:b:c",
    "?ns=" + ORIGIN_HOST + "&ns=x",
    "?%",
    "?ns=%zz",
    "?n\u00e4=1"
  };

  /** Random paths built from hostile pieces; a seed per repetition reproduces a failure. */
  @RepeatedTest(150)
  void randomTargetsNeverGetA5xxAndTouchNothing(RepetitionInfo repetition) throws IOException {
    Random random = new Random(104_729L * repetition.getCurrentRepetition());
    StringBuilder target = new StringBuilder(random.nextInt(10) == 0 ? "/" : "/v2/");
    int segments = 1 + random.nextInt(6);
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < segments; i++) {
      parts.add(SEGMENTS[random.nextInt(SEGMENTS.length)]);
    }
    if (random.nextBoolean()) {
      // Keep the shape of a real route so the name and digest checks are reached.
      parts =
          new ArrayList<>(
              List.of(
                  SEGMENTS[random.nextInt(SEGMENTS.length)],
                  random.nextBoolean() ? "blobs" : "manifests",
                  random.nextBoolean()
                      ? "sha256:" + randomHex(random)
                      : SEGMENTS[random.nextInt(SEGMENTS.length)]));
    }
    target.append(String.join(random.nextInt(8) == 0 ? "//" : "/", parts));
    target.append(QUERIES[random.nextInt(QUERIES.length)]);
    String method = random.nextInt(4) == 0 ? "HEAD" : "GET";
    String range =
        random.nextInt(3) == 0
            ? "Range: bytes="
                + random.nextInt(20_000)
                + "-"
                + (random.nextBoolean() ? "" : String.valueOf(random.nextInt(20_000)))
                + "\r\n"
            : "";
    byte[] request =
        (method + " " + target + " HTTP/1.1\r\nHost: a\r\n" + range + "Connection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);

    RawHttp.Response response = RawHttp.exchange(agent.address(), request, method.equals("HEAD"));

    assertThat(response.status())
        .as(method + " " + printable(target.toString()))
        .isBetween(200, 499);
    assertThat(storedFiles()).as(printable(target.toString())).isEqualTo(storedBefore);
  }

  /** 64 hex digits, sometimes one of them wrong. */
  private static String randomHex(Random random) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String hex = HexFormat.of().formatHex(bytes);
    return random.nextInt(4) == 0 ? hex.substring(1) + "G" : hex;
  }

  @Test
  void garbageInsteadOfHttpGets400() throws IOException {
    ByteArrayOutputStream garbage = new ByteArrayOutputStream();
    byte[] noise = new byte[512];
    new Random(99).nextBytes(noise);
    garbage.writeBytes(noise);
    garbage.writeBytes("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

    RawHttp.Response response = check("binary noise", garbage.toByteArray());

    assertThat(response.status()).isEqualTo(400);
  }
}
