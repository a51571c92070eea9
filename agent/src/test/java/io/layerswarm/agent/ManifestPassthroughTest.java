package io.layerswarm.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.layerswarm.core.Digest;
import io.layerswarm.registry.client.HttpUpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Manifests through the agent to a real HTTP upstream, which records what it was sent. */
class ManifestPassthroughTest {
  /** What dockerd 20.10 sends: six Accept header lines. */
  private static final List<String> DOCKERD_ACCEPT =
      List.of(
          "application/vnd.docker.distribution.manifest.v2+json",
          "application/vnd.docker.distribution.manifest.list.v2+json",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.docker.distribution.manifest.v1+prettyjws",
          "application/json");

  private static final String SCHEMA2 = "application/vnd.docker.distribution.manifest.v2+json";
  private static final byte[] MANIFEST =
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\"}"
          .getBytes(StandardCharsets.UTF_8);

  @TempDir Path data;
  private HttpServer upstream;
  private final Map<String, List<String>> acceptSeen = new ConcurrentHashMap<>();
  private final List<String> requestsSeen = new CopyOnWriteArrayList<>();
  private AgentServer agent;

  @BeforeEach
  void start() throws IOException {
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    upstream.createContext("/v2/", this::answer);
    upstream.start();
    URI base = URI.create("http://127.0.0.1:" + upstream.getAddress().getPort());
    HttpUpstreamRegistry registry =
        HttpUpstreamRegistry.builder(base)
            .userAgent(AgentServer.USER_AGENT)
            .retries(1, Duration.ZERO)
            .build();
    agent = startAgent(Upstreams.single(registry));
  }

  private AgentServer startAgent(Upstreams upstreams) throws IOException {
    return AgentServer.start(
        AgentConfig.defaults(data, List.of())
            .withListen(new InetSocketAddress("127.0.0.1", 0))
            .withPeerListen(new InetSocketAddress("127.0.0.1", 0)),
        upstreams);
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    upstream.stop(0);
  }

  private void answer(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    requestsSeen.add(exchange.getRequestMethod() + " " + path);
    String tag = path.substring(path.lastIndexOf('/') + 1);
    if (path.equals("/v2/")) {
      reply(exchange, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
      return;
    }
    acceptSeen.put(
        tag, List.copyOf(exchange.getRequestHeaders().getOrDefault("Accept", List.of())));
    if (tag.equals("1.0") || tag.equals(Digest.sha256(MANIFEST).toString())) {
      exchange
          .getResponseHeaders()
          .set("Docker-Content-Digest", Digest.sha256(MANIFEST).toString());
      reply(exchange, 200, SCHEMA2, MANIFEST);
    } else if (tag.equals("secret")) {
      reply(exchange, 401, "application/json", error("UNAUTHORIZED", "authentication required"));
    } else if (tag.equals("gone")) {
      reply(exchange, 404, "application/json", error("MANIFEST_UNKNOWN", "manifest unknown"));
    } else if (tag.equals("slow-down")) {
      reply(exchange, 429, "application/json", error("TOOMANYREQUESTS", "rate limited"));
    } else {
      reply(exchange, 500, "text/plain", "boom".getBytes(StandardCharsets.UTF_8));
    }
  }

  private static byte[] error(String code, String message) {
    return ("{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static void reply(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  private RawHttp.Response getManifest(String tag, String... headers) throws IOException {
    return RawHttp.get(agent.address(), "/v2/test/app/manifests/" + tag, headers);
  }

  @Test
  void everyAcceptLineOfTheClientReachesTheUpstreamInOrder() throws IOException {
    String[] lines = DOCKERD_ACCEPT.stream().map(v -> "Accept: " + v).toArray(String[]::new);

    RawHttp.Response response = getManifest("1.0", lines);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(MANIFEST);
    assertThat(response.header("Content-Type")).isEqualTo(SCHEMA2);
    assertThat(response.header("Docker-Content-Digest"))
        .isEqualTo(Digest.sha256(MANIFEST).toString());
    assertThat(acceptSeen.get("1.0")).containsExactlyElementsOf(DOCKERD_ACCEPT);
  }

  @Test
  void aCommaJoinedAcceptLineIsForwardedAsOneLine() throws IOException {
    String joined = String.join(", ", DOCKERD_ACCEPT) + ", */*";

    assertThat(getManifest("1.0", "Accept: " + joined).status()).isEqualTo(200);

    assertThat(acceptSeen.get("1.0")).containsExactly(joined);
  }

  @Test
  void tagsAreResolvedUpstreamEveryTime() throws IOException {
    getManifest("1.0");
    getManifest("1.0");

    assertThat(requestsSeen.stream().filter(r -> r.endsWith("/manifests/1.0"))).hasSize(2);
  }

  @Test
  void aManifestFetchedByDigestIsCachedAndServedWithoutTheUpstream() throws IOException {
    String digest = Digest.sha256(MANIFEST).toString();

    RawHttp.Response first = getManifest(digest);
    RawHttp.Response second = getManifest(digest);
    RawHttp.Response head =
        RawHttp.send(agent.address(), "HEAD", "/v2/test/app/manifests/" + digest);

    for (RawHttp.Response response : List.of(first, second)) {
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).isEqualTo(MANIFEST);
      assertThat(response.header("Docker-Content-Digest")).isEqualTo(digest);
    }
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Length")).isEqualTo(String.valueOf(MANIFEST.length));
    assertThat(requestsSeen.stream().filter(r -> r.endsWith("/manifests/" + digest))).hasSize(1);
  }

  @Test
  void upstreamErrorsKeepTheirMeaning() throws IOException {
    RawHttp.Response unauthorized = getManifest("secret");
    RawHttp.Response unknown = getManifest("gone");
    RawHttp.Response throttled = getManifest("slow-down");
    RawHttp.Response broken = getManifest("broken");

    assertThat(unauthorized.status()).isEqualTo(401);
    assertThat(unauthorized.text()).contains("\"UNAUTHORIZED\"");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.text()).contains("\"MANIFEST_UNKNOWN\"");
    assertThat(throttled.status()).isEqualTo(429);
    assertThat(throttled.text()).contains("\"TOOMANYREQUESTS\"");
    assertThat(broken.status()).isEqualTo(503);
    assertThat(broken.text())
        .contains("\"UNAVAILABLE\"")
        .contains("127.0.0.1:" + upstream.getAddress().getPort());
  }

  @Test
  void anUnreachableUpstreamGets503NamingIt() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    agent.close();
    agent =
        startAgent(
            Upstreams.single(
                HttpUpstreamRegistry.builder(URI.create("http://127.0.0.1:" + closedPort))
                    .retries(1, Duration.ZERO)
                    .build()));

    RawHttp.Response response = getManifest("1.0");

    assertThat(response.status()).isEqualTo(503);
    assertThat(response.text()).contains("UNAVAILABLE").contains("127.0.0.1:" + closedPort);
  }
}
