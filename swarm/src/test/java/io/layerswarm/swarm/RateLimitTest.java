package io.layerswarm.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.Metainfo;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RateLimitTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

  @TempDir Path dir;

  @Test
  void aSeedWithAnUploadCapSendsNoFasterThanTheCap() throws Exception {
    long cap = 1024 * 1024;
    byte[] data = new byte[3 * 1024 * 1024 + 17];
    new Random(4).nextBytes(data);
    Path source = Files.write(dir.resolve("source"), data);
    Metainfo metainfo = Metainfo.create(source, "blob", List.of(), 64 * 1024);
    EngineConfig limited =
        new EngineConfig(LOOPBACK, null, cap, 0, 50, 1000, Duration.ofSeconds(30), Map.of());
    try (SwarmEngine seeder = SwarmEngine.start(limited);
        SwarmEngine leecher = SwarmEngine.start(EngineConfig.defaults(LOOPBACK))) {
      seeder.seed(metainfo, source);
      long start = System.nanoTime();
      Torrent torrent = leecher.download(metainfo, dir.resolve("p"), dir.resolve("f"));
      torrent.addPeers(List.of(seeder.listenAddress()));
      torrent.completion().get(50, TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - start) / 1e9;

      assertThat(Files.readAllBytes(dir.resolve("f"))).isEqualTo(data);
      // 3 MiB at 1 MiB/s: about 3 s; allow the shaper its first-second burst.
      assertThat(seconds).isGreaterThan(1.5);
    }
  }
}
