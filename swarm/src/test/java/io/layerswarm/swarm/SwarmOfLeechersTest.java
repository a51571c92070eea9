package io.layerswarm.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.Metainfo;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Leechers that all know each other trade pieces when the seed is slow. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SwarmOfLeechersTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

  @TempDir Path dir;
  private final List<SwarmEngine> engines = new ArrayList<>();

  @AfterEach
  void close() {
    engines.forEach(SwarmEngine::close);
  }

  @Test
  void leechersThatDialEachOtherCompleteAndUploadToEachOther() throws Exception {
    byte[] data = new byte[4 * 1024 * 1024 + 4097];
    new Random(8).nextBytes(data);
    Path source = Files.write(dir.resolve("source"), data);
    Metainfo metainfo = Metainfo.create(source, "blob", List.of(), 64 * 1024);
    SwarmEngine seeder =
        SwarmEngine.start(
            new EngineConfig(
                LOOPBACK, null, 2 * 1024 * 1024, 0, 50, 1000, Duration.ofSeconds(30), Map.of()));
    engines.add(seeder);
    seeder.seed(metainfo, source);
    List<SwarmEngine> leechers = new ArrayList<>();
    List<InetSocketAddress> everyone = new ArrayList<>(List.of(seeder.listenAddress()));
    for (int i = 0; i < 3; i++) {
      SwarmEngine leecher = SwarmEngine.start(EngineConfig.defaults(LOOPBACK));
      engines.add(leecher);
      leechers.add(leecher);
      everyone.add(leecher.listenAddress());
    }

    List<Torrent> torrents = new ArrayList<>();
    for (int i = 0; i < leechers.size(); i++) {
      Torrent t = leechers.get(i).download(metainfo, dir.resolve("p" + i), dir.resolve("f" + i));
      // Every leecher dials every other engine, so each pair also races to connect twice.
      t.addPeers(everyone);
      torrents.add(t);
    }
    CompletableFuture.allOf(
            torrents.stream().map(Torrent::completion).toArray(CompletableFuture[]::new))
        .get(90, TimeUnit.SECONDS);

    for (int i = 0; i < leechers.size(); i++) {
      assertThat(Files.readAllBytes(dir.resolve("f" + i))).isEqualTo(data);
    }
    long leecherUploads = torrents.stream().mapToLong(Torrent::uploadedBytes).sum();
    long seedUploads = seeder.torrent(metainfo.infoHash()).orElseThrow().uploadedBytes();
    System.out.println("seed " + seedUploads + " leechers " + leecherUploads);
    assertThat(leecherUploads).isPositive();
    assertThat(seedUploads + leecherUploads).isGreaterThanOrEqualTo(3L * data.length);
  }
}
