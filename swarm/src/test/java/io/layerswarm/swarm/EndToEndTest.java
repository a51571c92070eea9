package io.layerswarm.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.testing.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EndToEndTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

  @TempDir Path dir;
  private SwarmEngine seeder;
  private SwarmEngine leecher;

  @BeforeEach
  void startEngines() throws Exception {
    seeder = SwarmEngine.start(EngineConfig.defaults(LOOPBACK));
    leecher = SwarmEngine.start(EngineConfig.defaults(LOOPBACK));
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

  private Path randomFile(String name, int size, long seed) throws Exception {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return Files.write(dir.resolve(name), data);
  }

  @Test
  void aLeecherDownloadsAFileWithAShortLastPieceFromASeed() throws Exception {
    Path source = randomFile("source", 3 * 1024 * 1024 + 12_345, 1);
    Metainfo metainfo = Metainfo.create(source, "blob", List.of(), 256 * 1024);
    seeder.seed(metainfo, source);

    Path part = dir.resolve("partial/blob.part");
    Path target = dir.resolve("blobs/blob");
    Torrent torrent = leecher.download(metainfo, part, target);
    torrent.addPeers(List.of(seeder.listenAddress()));

    Path done = torrent.completion().get(60, TimeUnit.SECONDS);

    assertThat(done).isEqualTo(target);
    assertThat(Files.mismatch(source, target)).isEqualTo(-1);
    assertThat(part).doesNotExist();
    assertThat(torrent.isComplete()).isTrue();
    assertThat(torrent.verifiedBytes()).isEqualTo(metainfo.length());
    assertThat(torrent.downloadedBytes()).isGreaterThanOrEqualTo(metainfo.length());
  }

  @Test
  void aRemovedDownloadKeepsItsBytesInTheEnginesTrafficCountedOnce() throws Exception {
    Path source = randomFile("source", 1024 * 1024 + 77, 3);
    Metainfo metainfo = Metainfo.create(source, "blob", List.of(), 256 * 1024);
    seeder.seed(metainfo, source);
    Torrent torrent =
        leecher.download(metainfo, dir.resolve("partial/blob.part"), dir.resolve("blobs/blob"));
    torrent.addPeers(List.of(seeder.listenAddress()));
    torrent.completion().get(60, TimeUnit.SECONDS);

    leecher.remove(metainfo.infoHash());
    Traffic justRemoved = leecher.traffic();
    // Once the torrent stopped its counts move from the live sum to the closed one.
    Await.until("the removed torrent stopped", Duration.ofSeconds(10), () -> stopped(torrent));

    Traffic expected = new Traffic(0, metainfo.length(), 0);
    assertThat(justRemoved).isEqualTo(expected);
    assertThat(leecher.traffic()).isEqualTo(expected);
    Await.until(
        "the seed counted its upload",
        Duration.ofSeconds(10),
        () -> seeder.traffic().uploadedBytes() == metainfo.length());
  }

  private static boolean stopped(Torrent torrent) {
    try {
      return torrent.peers().get(10, TimeUnit.SECONDS).isEmpty();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void tenTorrentsDownloadAtOnceBetweenOneEnginePair() throws Exception {
    List<Path> sources = new ArrayList<>();
    List<Torrent> downloads = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Path source = randomFile("source" + i, 1024 * 1024 + 777 * i + 1, i);
      sources.add(source);
      Metainfo metainfo = Metainfo.create(source, "blob" + i, List.of(), 64 * 1024);
      seeder.seed(metainfo, source);
      Torrent t = leecher.download(metainfo, dir.resolve("part/" + i), dir.resolve("final/" + i));
      t.addPeers(List.of(seeder.listenAddress()));
      downloads.add(t);
    }

    CompletableFuture.allOf(
            downloads.stream().map(Torrent::completion).toArray(CompletableFuture[]::new))
        .get(90, TimeUnit.SECONDS);

    for (int i = 0; i < 10; i++) {
      assertThat(Files.mismatch(sources.get(i), dir.resolve("final/" + i))).isEqualTo(-1);
    }
    assertThat(leecher.torrents()).hasSize(10);
  }

  @Test
  void aStreamReturnsTheBytesInOrderWhilePiecesArrive() throws Exception {
    Path source = randomFile("source", 2 * 1024 * 1024 + 4321, 5);
    Metainfo metainfo = Metainfo.create(source, "blob", List.of(), 32 * 1024);
    Torrent torrent = leecher.download(metainfo, dir.resolve("p"), dir.resolve("f"));
    CompletableFuture<byte[]> read =
        CompletableFuture.supplyAsync(
            () -> {
              try (InputStream in = torrent.openStream(0)) {
                return in.readAllBytes();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    seeder.seed(metainfo, source);
    torrent.addPeers(List.of(seeder.listenAddress()));

    assertThat(read.get(60, TimeUnit.SECONDS)).isEqualTo(Files.readAllBytes(source));
    try (InputStream tail = torrent.openStream(metainfo.length() - 10)) {
      assertThat(tail.readAllBytes()).hasSize(10);
    }
  }

  @Test
  void downloadingAnInfoHashThatIsPresentReturnsTheSameTorrent() throws Exception {
    Path source = randomFile("source", 100_000, 3);
    Metainfo metainfo = Metainfo.create(source, "blob", List.of(), 16 * 1024);
    Torrent first = leecher.download(metainfo, dir.resolve("a.part"), dir.resolve("a"));
    Torrent second = leecher.download(metainfo, dir.resolve("b.part"), dir.resolve("b"));

    assertThat(second).isSameAs(first);
    assertThat(leecher.torrent(metainfo.infoHash())).containsSame(first);
  }

  @Test
  void removingATorrentFailsItsCompletionAndItsWaitingStreams() throws Exception {
    Path source = randomFile("source", 100_000, 3);
    Metainfo metainfo = Metainfo.create(source, "blob", List.of(), 16 * 1024);
    Torrent torrent = leecher.download(metainfo, dir.resolve("a.part"), dir.resolve("a"));
    InputStream stream = torrent.openStream(0);
    CompletableFuture<Integer> read =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return stream.read();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });

    leecher.remove(metainfo.infoHash());

    assertThatThrownBy(() -> torrent.completion().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("removed");
    assertThatThrownBy(() -> read.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("removed");
    assertThat(leecher.torrent(metainfo.infoHash())).isEmpty();
    assertThat(dir.resolve("a.part")).exists();
  }

  @Test
  void anEmptyFileCompletesWithoutPeers() throws Exception {
    Path source = Files.write(dir.resolve("empty"), new byte[0]);
    Metainfo metainfo = Metainfo.create(source, "empty", List.of(), 16 * 1024);
    Torrent torrent = leecher.download(metainfo, dir.resolve("e.part"), dir.resolve("e"));

    assertThat(torrent.completion().get(10, TimeUnit.SECONDS)).isEqualTo(dir.resolve("e"));
    assertThat(dir.resolve("e")).isEmptyFile();
  }
}
