package io.layerswarm.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.layerswarm.agent.metrics.PrometheusText;
import io.layerswarm.core.Digest;
import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.swarm.EngineConfig;
import io.layerswarm.swarm.SwarmEngine;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole swarm path on loopback: a fake tracker serves the metainfo and points every announce at
 * a second engine that seeds the blob; the origin has the blob too but must not be used.
 */
class AgentSwarmPathTest {
  private static final RepositoryName REPO = new RepositoryName("test/app");
  private static final String ORIGIN_HOST = "origin.test:5000";

  @TempDir Path dir;
  private HttpServer tracker;
  private SwarmEngine seeder;
  private AgentServer agent;
  private InMemoryUpstreamRegistry origin;
  private byte[] content;
  private Digest digest;
  private Metainfo metainfo;
  private final List<String> metainfoQueries = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    content = new byte[3 * 1024 * 1024 + 123];
    new Random(42).nextBytes(content);
    origin = new InMemoryUpstreamRegistry(URI.create("http://" + ORIGIN_HOST));
    digest = origin.putBlob(REPO, content);

    tracker = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    URI trackerBase = URI.create("http://127.0.0.1:" + tracker.getAddress().getPort());
    Path seeded = Files.write(dir.resolve("seeded.blob"), content);
    metainfo =
        Metainfo.create(
            seeded, digest.hex(), List.of(URI.create(trackerBase + "/announce")), 256 * 1024);
    seeder = SwarmEngine.start(EngineConfig.defaults(new InetSocketAddress("127.0.0.1", 0)));
    tracker.createContext("/metainfo/", this::metainfo);
    tracker.createContext("/announce", this::announce);
    tracker.start();
    seeder.seed(metainfo, seeded);

    agent =
        AgentServer.start(
            AgentConfig.defaults(dir.resolve("agent"), List.of(trackerBase))
                .withListen(new InetSocketAddress("127.0.0.1", 0))
                .withPeerListen(new InetSocketAddress("127.0.0.1", 0))
                .withSwarmDeadline(Duration.ofSeconds(20)),
            Upstreams.single(origin));
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    if (seeder != null) {
      seeder.close();
    }
    tracker.stop(0);
  }

  private void metainfo(HttpExchange exchange) throws IOException {
    metainfoQueries.add(
        exchange.getRequestURI().getRawPath() + "?" + exchange.getRequestURI().getRawQuery());
    boolean known = exchange.getRequestURI().getPath().equals("/metainfo/" + digest);
    byte[] body = known ? metainfo.encode() : new byte[0];
    exchange.sendResponseHeaders(known ? 200 : 404, body.length == 0 ? -1 : body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  /** BEP 3 announce with a BEP 23 compact peer list: the seeder, to everyone but the seeder. */
  private void announce(HttpExchange exchange) throws IOException {
    int port = -1;
    for (String pair : exchange.getRequestURI().getRawQuery().split("&")) {
      if (pair.startsWith("port=")) {
        port = Integer.parseInt(URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8));
      }
    }
    int seederPort = seeder.listenAddress().getPort();
    ByteBuffer peers = ByteBuffer.allocate(port == seederPort ? 0 : 6);
    if (port != seederPort) {
      peers.put(new byte[] {127, 0, 0, 1}).putShort((short) seederPort);
    }
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("interval", 30L);
    response.put("peers", peers.array());
    byte[] body = Bencode.encode(response);
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  @Test
  void aBlobComesFromTheSwarmAndTheOriginSendsNothing() throws IOException {
    RawHttp.Response response = RawHttp.get(agent.address(), "/v2/" + REPO + "/blobs/" + digest);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(content);
    assertThat(response.header("Docker-Content-Digest")).isEqualTo(digest.toString());
    assertThat(origin.blobBytesServed()).isZero();
    assertThat(metainfoQueries)
        .containsExactly("/metainfo/" + digest + "?registry=origin.test%3A5000&repo=test%2Fapp");
    AgentStats stats = agent.stats();
    assertThat(stats.bytesFromSwarm()).isGreaterThanOrEqualTo(content.length);
    assertThat(stats.bytesFromOrigin()).isZero();
    assertThat(stats.cachedBlobs()).isEqualTo(1);
    assertThat(
            Files.exists(
                dir.resolve("agent").resolve("torrents").resolve(digest.hex() + ".torrent")))
        .isTrue();
    assertThat(agent.engine().torrent(metainfo.infoHash()))
        .hasValueSatisfying(torrent -> assertThat(torrent.isComplete()).isTrue());
  }

  @Test
  void aDownloadShorterThanATimerTickIsCountedExactlyEvenOnceItsTorrentIsGone() throws IOException {
    // The agent's timer ticks every second here; the pull and the removal take less, so counters
    // sampled on it would miss the download.
    assertThat(RawHttp.get(agent.address(), "/v2/" + REPO + "/blobs/" + digest).status())
        .isEqualTo(200);
    agent.engine().remove(metainfo.infoHash()); // as an eviction does

    PrometheusText text = AgentServerTest.scrape(agent.address());

    assertThat(text.value("agent_peer_downloaded_bytes_total")).isEqualTo(content.length);
    assertThat(text.value("agent_peer_duplicate_bytes_total")).isZero();
    assertThat(text.value("agent_swarm_bytes_total"))
        .as("one seed: no duplicates, so exactly the blob")
        .isEqualTo(content.length);
  }

  @Test
  void metricsShowTheBlobsBytesFromTheSwarmAndNoneFromTheOrigin() throws IOException {
    assertThat(RawHttp.get(agent.address(), "/v2/" + REPO + "/blobs/" + digest).status())
        .isEqualTo(200);

    PrometheusText text = AgentServerTest.scrapeOnceCached(agent.address(), 1);

    assertThat(text.value("agent_swarm_bytes_total"))
        .isEqualTo(agent.stats().bytesFromSwarm())
        .isGreaterThanOrEqualTo(content.length);
    assertThat(text.value("agent_origin_fallback_bytes_total")).isZero();
    assertThat(text.value("agent_blob_fetches_total", "result", "swarm")).isEqualTo(1);
    assertThat(text.value("agent_blob_fetches_total", "result", "origin")).isZero();
    assertThat(text.value("agent_blob_requests_total", "result", "miss")).isEqualTo(1);
    assertThat(text.value("agent_verification_failures_total", "source", "swarm")).isZero();
    assertThat(text.value("agent_cache_bytes")).isEqualTo(content.length);
  }
}
