package io.layerswarm.swarm;

import static io.layerswarm.swarm.LoopProbe.awaitOnLoop;
import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.testing.ManualClock;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Torrent#peers()} on both ends of one connection between two engines, read from the test
 * thread while the download runs. The seed's upload cap keeps the download going for about 16 s,
 * far longer than the test looks at it; a manual clock makes the rates one measured second.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerSnapshotTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final long UPLOAD_CAP = 256 * 1024;

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private SwarmEngine seeder;
  private SwarmEngine leecher;
  private Metainfo metainfo;
  private TorrentSession seeding;
  private TorrentSession downloading;

  @BeforeEach
  void startADownload() throws Exception {
    byte[] data = new byte[4 * 1024 * 1024];
    new Random(8).nextBytes(data);
    Path source = Files.write(dir.resolve("source"), data);
    metainfo = Metainfo.create(source, "blob", List.of(), 64 * 1024);
    seeder =
        SwarmEngine.start(
            new EngineConfig(
                LOOPBACK, null, UPLOAD_CAP, 0, 50, 1000, Duration.ofSeconds(30), Map.of()),
            clock);
    leecher = SwarmEngine.start(EngineConfig.defaults(LOOPBACK), clock);
    seeding = (TorrentSession) seeder.seed(metainfo, source);
    downloading = (TorrentSession) leecher.download(metainfo, dir.resolve("p"), dir.resolve("f"));
    downloading.addPeers(List.of(seeder.listenAddress()));
  }

  @AfterEach
  void closeEngines() {
    if (leecher != null) {
      leecher.close();
    }
    if (seeder != null) {
      seeder.close();
    }
  }

  @Test
  void bothEndsReportTheConnectionWithItsDirectionStatesPayloadAndRates() throws Exception {
    awaitOnLoop(
        downloading,
        "the leecher has a verified piece",
        WAIT,
        () -> downloading.verifiedBytes() > 0);
    awaitOnLoop(seeding, "the seed counted its upload", WAIT, () -> seeding.uploadedBytes() > 0);
    clock.advance(Duration.ofSeconds(1));
    LoopProbe.tick(downloading);
    LoopProbe.tick(seeding);

    List<PeerSnapshot> fromLeecher = downloading.peers().get(10, TimeUnit.SECONDS);
    List<PeerSnapshot> fromSeed = seeding.peers().get(10, TimeUnit.SECONDS);

    assertThat(downloading.isComplete()).as("still downloading").isFalse();
    assertThat(fromLeecher)
        .singleElement()
        .satisfies(
            seed -> {
              assertThat(seed.address().getPort()).isEqualTo(seeder.listenAddress().getPort());
              assertThat(seed.peerId()).isEqualTo(seeder.peerId());
              assertThat(seed.outgoing()).isTrue();
              assertThat(seed.progress()).hasValue(1.0);
              assertThat(seed.downloadedBytes()).isPositive();
              assertThat(seed.downloadBytesPerSecond()).isPositive();
              assertThat(seed.uploadedBytes()).isZero();
              assertThat(seed.uploadBytesPerSecond()).isZero();
              assertThat(seed.amInterested()).isTrue();
              assertThat(seed.peerChoking()).isFalse();
              assertThat(seed.peerInterested()).isFalse();
            });
    assertThat(fromSeed)
        .singleElement()
        .satisfies(
            leech -> {
              assertThat(leech.peerId()).isEqualTo(leecher.peerId());
              assertThat(leech.outgoing()).isFalse();
              // Our leechers send a seed haves, so the seed knows, once the first one arrived.
              assertThat(leech.progress().orElse(0)).isLessThan(1.0);
              assertThat(leech.uploadedBytes()).isPositive();
              assertThat(leech.uploadBytesPerSecond()).isPositive();
              assertThat(leech.downloadedBytes()).isZero();
              assertThat(leech.amChoking()).isFalse();
              assertThat(leech.amInterested()).isFalse();
              assertThat(leech.peerInterested()).isTrue();
            });
  }

  @Test
  void aRemovedTorrentAndAClosedEngineReportNoPeers() throws Exception {
    awaitOnLoop(
        downloading, "the leecher is connected", WAIT, () -> downloading.connectedPeers() == 1);
    assertThat(downloading.peers().get(10, TimeUnit.SECONDS)).hasSize(1);

    leecher.remove(metainfo.infoHash());
    seeder.close();

    assertThat(downloading.peers().get(10, TimeUnit.SECONDS)).isEmpty();
    assertThat(seeding.peers().get(10, TimeUnit.SECONDS)).isEmpty();
  }
}
