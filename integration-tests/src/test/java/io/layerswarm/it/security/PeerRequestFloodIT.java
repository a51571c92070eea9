package io.layerswarm.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.auth.ClusterSecret;
import io.layerswarm.core.auth.KeyPurpose;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.it.cluster.ClusterBed;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.OriginRegistry;
import io.layerswarm.testbed.Skopeo;
import io.layerswarm.testbed.TestbedDirs;
import io.layerswarm.testing.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, finding 3, against the built distribution: one connection that handshakes (as a member:
 * the cluster has a secret, and a member can misbehave too), never reads, and streams block
 * requests at a seeder. The seeder stops reading it, drops it and bans its address; its heap stays
 * bounded; another agent pulls the image from the swarm meanwhile; {@code /healthz} answers 200 and
 * the seeder does serve.
 */
class PeerRequestFloodIT {
  private static final String ATTACKER = "127.0.0.2";

  /** Requests per write, and writes at most: 2,000,000 requests (34 MB), twice the report's. */
  private static final int BATCH = 1000;

  private static final long MAX_BATCHES = 2_000;
  private ClusterBed bed;

  @AfterEach
  void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void aMemberThatStreamsRequestsAndNeverReadsIsBannedWhileTheSeederServesOthers()
      throws Exception {
    bed = new ClusterBed(TestbedDirs.create("security-flood"));
    Image image = bed.image("image", 3, 12L << 20);
    OriginRegistry origin = SecureCluster.origin(bed, image);
    SecureCluster cluster = SecureCluster.start(bed, origin, true);
    String layer = image.layerDigests().get(0);
    Metainfo metainfo = cluster.seederMetainfo(origin, layer);
    Path seederData = bed.work().resolve("seeder");
    Await.until("the seeder holds " + layer, () -> held(seederData).contains(layer));
    InetSocketAddress seederPeer = ClusterBed.peerAddress(cluster.seeder);
    var peerKey = ClusterSecret.load(cluster.secretFile.orElseThrow()).key(KeyPurpose.PEER);
    HeapSampler heap = HeapSampler.start(cluster.seeder.pid());
    long batches;
    CompletableFuture<Skopeo.Result> pulled;
    int agentPort = FreePorts.pick();
    Path pullDir = bed.work().resolve("pull");
    try (RawPeer attacker = RawPeer.connect(ATTACKER, seederPeer)) {
      assertThat(attacker.handshake(metainfo.infoHash(), Optional.of(peerKey)))
          .as("admitted as a member")
          .isTrue();
      attacker.write(RawPeer.interested());
      pulled =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  cluster.agent("agent", agentPort);
                } catch (IOException | InterruptedException e) {
                  throw new IllegalStateException(e);
                }
                return ClusterBed.pull("127.0.0.1:" + agentPort, "library/app", "1", pullDir);
              });
      batches =
          attacker.flood(
              RawPeer.requests(BATCH, metainfo.pieceCount() - 1),
              MAX_BATCHES,
              Duration.ofSeconds(40));
    }
    Skopeo.Result pull = pulled.get(3, TimeUnit.MINUTES);
    HeapSampler.Peak peak = heap.stop();
    String healthz = ClusterBed.get(URI.create(cluster.seederUrl + "/healthz"));
    String seederLog = cluster.seeder.output();
    System.out.printf(
        "flood: %d requests written before the seeder closed the connection; seeder heap peak"
            + " %.1f MiB used (of %.1f MiB), %d samples%n",
        batches * BATCH, peak.usedMiB(), peak.capacityMiB(), peak.samples());

    assertThat(batches).as("the seeder dropped the flooding connection").isNotNegative();
    assertThat(seederLog).contains("banning the peer's address").contains(ATTACKER);
    try (RawPeer again = RawPeer.connect(ATTACKER, seederPeer)) {
      assertThat(again.handshake(metainfo.infoHash(), Optional.of(peerKey))).isFalse();
      assertThat(again.readUntilClosed()).as("not one byte for a banned address").isEmpty();
    }
    assertThat(peak.samples()).isPositive();
    assertThat(peak.usedMiB()).as("seeder heap used at its peak, MiB").isLessThan(192);
    assertThat(seederLog).doesNotContain("OutOfMemoryError");
    assertThat(cluster.seeder.isAlive()).isTrue();
    assertThat(healthz).as("/healthz").isNotBlank();
    assertThat(pull.ok()).as("the other agent's pull: %s", pull.output()).isTrue();
    assertThat(new TreeSet<>(Skopeo.readDir(pullDir).blobDigests()))
        .isEqualTo(ClusterBed.blobDigests(image));
    String metrics = ClusterBed.get(URI.create("http://127.0.0.1:" + agentPort + "/metrics"));
    assertThat(ClusterBed.metric(metrics, "agent_blob_fetches_total", "result=\"swarm\""))
        .as("blobs the other agent got from the swarm")
        .isEqualTo(image.layers().size());
    // The config is tiny: it came inside its metainfo answer (decision 31).
    assertThat(ClusterBed.metric(metrics, "agent_blob_fetches_total", "result=\"inline\""))
        .isEqualTo(1);
  }

  private static java.util.Set<String> held(Path seederData) {
    try {
      return ClusterBed.heldBlobs(seederData);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A JVM's heap use as {@code jstat -gc} samples it every 100 ms: survivor, eden and old
   * generation used, the peak of their sum.
   */
  static final class HeapSampler {
    private final Process jstat;
    private final CompletableFuture<Peak> peak;

    record Peak(double usedMiB, double capacityMiB, int samples) {}

    private HeapSampler(Process jstat) {
      this.jstat = jstat;
      this.peak = CompletableFuture.supplyAsync(this::read);
    }

    static HeapSampler start(long pid) throws IOException {
      return new HeapSampler(
          new ProcessBuilder("jstat", "-gc", String.valueOf(pid), "100")
              .redirectErrorStream(true)
              .start());
    }

    private Peak read() {
      double max = 0;
      double capacity = 0;
      int samples = 0;
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(jstat.getInputStream(), StandardCharsets.US_ASCII))) {
        List<String> header = null;
        String line;
        while ((line = in.readLine()) != null) {
          List<String> cells = Arrays.asList(line.trim().split("\\s+"));
          if (cells.contains("EU")) {
            header = cells;
            continue;
          }
          if (header == null || cells.size() != header.size()) {
            continue;
          }
          double used = 0;
          double cap = 0;
          for (String column : List.of("S0U", "S1U", "EU", "OU")) {
            used += Double.parseDouble(cells.get(header.indexOf(column)));
          }
          for (String column : List.of("S0C", "S1C", "EC", "OC")) {
            cap += Double.parseDouble(cells.get(header.indexOf(column)));
          }
          max = Math.max(max, used / 1024);
          capacity = Math.max(capacity, cap / 1024);
          samples++;
        }
      } catch (IOException | RuntimeException e) {
        // The sampler stopped.
      }
      return new Peak(max, capacity, samples);
    }

    Peak stop() throws Exception {
      jstat.destroy();
      jstat.waitFor(10, TimeUnit.SECONDS);
      return peak.get(10, TimeUnit.SECONDS);
    }
  }
}
