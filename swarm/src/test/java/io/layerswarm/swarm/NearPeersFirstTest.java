package io.layerswarm.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.topology.Location;
import io.layerswarm.core.topology.Location.Tier;
import io.layerswarm.testing.Await;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real engines on loopback, each at a zone and rack: they tell each other where they are in the
 * extended handshake (BEP 10), and a leecher with a seed in its rack and one in another zone takes
 * the blob from its rack.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NearPeersFirstTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

  @TempDir Path dir;
  private final List<SwarmEngine> engines = new ArrayList<>();

  @AfterEach
  void close() {
    engines.forEach(SwarmEngine::close);
  }

  private SwarmEngine engine(Location at, long uploadCap) throws Exception {
    SwarmEngine engine =
        SwarmEngine.start(
            new EngineConfig(
                    LOOPBACK, null, uploadCap, 0, 50, 1000, Duration.ofSeconds(30), Map.of())
                .withLocation(at));
    engines.add(engine);
    return engine;
  }

  @Test
  void aLeecherLearnsItsPeersLocationsAndTakesTheBlobFromItsOwnRack() throws Exception {
    byte[] data = new byte[16 * 1024 * 1024];
    new Random(12).nextBytes(data);
    Path source = Files.write(dir.resolve("source"), data);
    Metainfo metainfo = Metainfo.create(source, "blob", List.of(), 64 * 1024);
    // The rack's seed is slow (the download takes about 4 s), the other zone's is not capped:
    // the leecher still asks the rack's seed.
    SwarmEngine near = engine(Location.of("z1", "r1"), 4 * 1024 * 1024);
    SwarmEngine far = engine(Location.of("z2", "r9"), 0);
    SwarmEngine leecher = engine(Location.of("z1", "r1"), 0);
    Torrent nearSeed = near.seed(metainfo, source);
    Torrent farSeed = far.seed(metainfo, source);

    Torrent download = leecher.download(metainfo, dir.resolve("p"), dir.resolve("f"));
    // The far seed first, so that its connection has every head start.
    download.addPeers(List.of(far.listenAddress()));
    download.addPeers(List.of(near.listenAddress()));
    Map<Integer, PeerSnapshot> byPort = new java.util.HashMap<>();
    Await.until(
        "both seeds said where they are",
        () -> {
          byPort.clear();
          download.peers().join().forEach(p -> byPort.put(p.address().getPort(), p));
          return byPort.values().stream().filter(p -> !p.location().isUnknown()).count() == 2;
        });
    PeerSnapshot nearPeer = byPort.get(near.listenAddress().getPort());
    PeerSnapshot farPeer = byPort.get(far.listenAddress().getPort());
    download.completion().get(60, TimeUnit.SECONDS);
    assertThat(Files.readAllBytes(dir.resolve("f"))).isEqualTo(data);
    assertThat(nearPeer.location()).isEqualTo(Location.of("z1", "r1"));
    assertThat(nearPeer.tier()).isEqualTo(Tier.RACK);
    assertThat(farPeer.location()).isEqualTo(Location.of("z2", "r9"));
    assertThat(farPeer.tier()).isEqualTo(Tier.OTHER);
    // Only what was asked before the seeds said where they are (the first pipeline, about 1 MiB)
    // comes from the other zone; without the preference the uncapped seed would send most of it.
    assertThat(farSeed.uploadedBytes()).isLessThan(data.length / 4);
    assertThat(nearSeed.uploadedBytes()).isGreaterThan(data.length * 3L / 4);
  }
}
