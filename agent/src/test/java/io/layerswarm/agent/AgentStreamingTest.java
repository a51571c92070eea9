package io.layerswarm.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.testing.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent with a real swarm on loopback: a seeding engine and a fake tracker. Measures the time
 * from a blob GET to its first body byte (logged, never asserted), and checks that a restarted
 * agent seeds and announces its cache without downloading it again.
 */
class AgentStreamingTest {
  private static final Logger measurements =
      LoggerFactory.getLogger("io.layerswarm.agent.Measurements");
  private static final RepositoryName REPO = new RepositoryName("test/app");
  private static final int PIECE = 256 * 1024;

  @TempDir Path dir;
  private SwarmBed bed;
  private InMemoryUpstreamRegistry origin;
  private AgentServer agent;

  @BeforeEach
  void start() throws IOException {
    bed = new SwarmBed();
    origin = new InMemoryUpstreamRegistry(URI.create("http://origin.test:5000"));
    agent = startAgent();
  }

  private AgentServer startAgent() throws IOException {
    return AgentServer.start(
        AgentConfig.defaults(dir.resolve("agent"), List.of(bed.trackerBase))
            .withListen(new InetSocketAddress("127.0.0.1", 0))
            .withPeerListen(new InetSocketAddress("127.0.0.1", 0))
            .withSwarmDeadline(Duration.ofSeconds(30)),
        Upstreams.single(origin));
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
    bed.close();
  }

  /** A random blob the seeder seeds (the origin has it too, and must not be asked). */
  private Digest seeded(int size, long seed) throws IOException {
    byte[] content = new byte[size];
    new Random(seed).nextBytes(content);
    Digest digest = origin.putBlob(REPO, content);
    Path file = Files.write(dir.resolve(digest.hex() + ".blob"), content);
    bed.seed(file, digest, PIECE);
    return digest;
  }

  private static String sha256(MessageDigest sha) {
    return "sha256:" + HexFormat.of().formatHex(sha.digest());
  }

  @Test
  void timeToFirstByteFromASeederIsMeasuredAndTheBodyMatchesItsDigest() throws Exception {
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Digest digest = seeded(32 * 1024 * 1024, 100 + i);
      long sent = System.nanoTime();
      try (HttpStream client =
          HttpStream.get(agent.address(), "/v2/" + REPO + "/blobs/" + digest)) {
        client.readHead();
        byte[] first = client.readBody(1);
        millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(first);
        client.drainRest(sha);

        assertThat(client.status()).isEqualTo(200);
        assertThat(client.complete()).isTrue();
        assertThat(sha256(sha)).isEqualTo(digest.toString());
      }
    }
    measurements.info(
        "time to first byte of a 32 MiB blob from a seeder, ms: {} (the first"
            + " includes JIT warm-up)",
        millis);
    assertThat(origin.blobRequests()).isZero();
  }

  @Test
  void aRestartedAgentSeedsAndAnnouncesItsCacheWithoutDownloadingItAgain() throws Exception {
    Digest digest = seeded(3 * 1024 * 1024 + 5, 7);
    Metainfo metainfo;
    try (HttpStream client = HttpStream.get(agent.address(), "/v2/" + REPO + "/blobs/" + digest)) {
      client.readHead();
      client.drainRest(MessageDigest.getInstance("SHA-256"));
      assertThat(client.complete()).isTrue();
    }
    metainfo = agent.engine().torrents().iterator().next().metainfo();
    agent.close();
    int queriesBefore = bed.metainfoQueries.size();

    agent = startAgent();
    int port = agent.engine().listenAddress().getPort();
    Await.until("the restarted agent to announce", () -> bed.announcedPorts.contains(port));

    assertThat(bed.announcedPorts).as("the restarted agent announces its cache").contains(port);
    assertThat(agent.engine().torrent(metainfo.infoHash()))
        .hasValueSatisfying(
            torrent -> {
              assertThat(torrent.isComplete()).isTrue();
              assertThat(torrent.downloadedBytes()).isZero();
            });
    RawHttp.Response again = RawHttp.get(agent.address(), "/v2/" + REPO + "/blobs/" + digest);
    assertThat(again.status()).isEqualTo(200);
    assertThat(Digest.sha256(again.body())).isEqualTo(digest);
    assertThat(bed.metainfoQueries).hasSize(queriesBefore);
    assertThat(origin.blobRequests()).isZero();
  }
}
