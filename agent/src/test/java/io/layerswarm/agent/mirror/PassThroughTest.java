package io.layerswarm.agent.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.agent.HttpStream;
import io.layerswarm.agent.metrics.PrometheusText;
import io.layerswarm.core.Digest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A blob with no room on the data file system is streamed from the origin to the client and stored
 * nowhere: the pull works, the swarm is not asked, nothing is written, and a body that fails its
 * digest is cut short.
 */
class PassThroughTest {
  private static final RepositoryName REPO = new RepositoryName("test/app");

  @TempDir Path dir;
  private MirrorServer agent;

  @BeforeEach
  void start() throws Exception {
    agent = new MirrorServer(dir);
    agent.diskFull = true;
  }

  @AfterEach
  void stop() {
    agent.close();
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private long filesUnder(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void aBlobWithoutRoomIsPassedThroughFromTheOriginAndStoredNowhere() throws Exception {
    byte[] content = randomBytes(300_000, 1);
    Digest digest = agent.origin.putBlob(REPO, content);

    try (HttpStream client = HttpStream.get(agent.address(), "/v2/" + REPO + "/blobs/" + digest)) {
      client.readHead();
      assertThat(client.status()).isEqualTo(200);
      assertThat(client.contentLength()).isEqualTo(content.length);
      assertThat(client.readRest()).isEqualTo(content);
      assertThat(client.complete()).isTrue();
    }

    assertThat(agent.metainfo.calls).as("the swarm is not asked").isEmpty();
    assertThat(agent.store.contains(digest)).isFalse();
    assertThat(filesUnder(dir.resolve("store"))).isZero();
    assertThat(filesUnder(agent.partial)).isZero();
    assertThat(agent.origin.blobRequests()).isEqualTo(1);
    PrometheusText metrics = PrometheusText.parse(agent.metrics.scrape());
    assertThat(metrics.value("agent_blobs_passed_through_total")).isEqualTo(1);
    Await.until(
        "the response's lease to end",
        Duration.ofSeconds(10),
        () -> agent.leases.leased().isEmpty());
  }

  @Test
  void aPassedThroughBodyThatFailsItsDigestIsCutShort() throws Exception {
    byte[] wanted = randomBytes(200_000, 2);
    byte[] impostor = randomBytes(200_000, 3);
    Digest digest = Digest.sha256(wanted);
    agent.origin.putCorruptBlob(REPO, digest, impostor);

    try (HttpStream client = HttpStream.get(agent.address(), "/v2/" + REPO + "/blobs/" + digest)) {
      client.readHead();
      assertThat(client.status()).isEqualTo(200);
      byte[] received = client.readRest();

      assertThat(client.complete()).as("a body failing its digest is cut short").isFalse();
      assertThat(received.length).isLessThan(impostor.length);
    }
    assertThat(agent.store.contains(digest)).isFalse();
    assertThat(filesUnder(dir.resolve("store"))).isZero();
  }

  @Test
  void withRoomAgainTheNextRequestIsFetchedAndStoredAsUsual() throws Exception {
    byte[] content = randomBytes(100_000, 4);
    Digest digest = agent.origin.putBlob(REPO, content);
    agent.diskFull = false;

    try (HttpStream client = HttpStream.get(agent.address(), "/v2/" + REPO + "/blobs/" + digest)) {
      agent.metainfo.nextCall().completeExceptionally(new IOException("no tracker in this test"));
      client.readHead();
      assertThat(client.readRest()).isEqualTo(content);
      assertThat(client.complete()).isTrue();
    }
    assertThat(agent.store.contains(digest)).isTrue();
  }
}
