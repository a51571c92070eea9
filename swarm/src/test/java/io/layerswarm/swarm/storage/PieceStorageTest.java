package io.layerswarm.swarm.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.MoreExecutors;
import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PieceIndex;
import io.netty.channel.FileRegion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PieceStorageTest {
  private static final int PIECE = 32 * 1024;

  @TempDir Path dir;
  private byte[] data;
  private Metainfo metainfo;
  private final ExecutorService disk = Executors.newSingleThreadExecutor();

  @BeforeEach
  void createTorrent() throws Exception {
    data = new byte[2 * PIECE + 1000];
    new Random(3).nextBytes(data);
    metainfo = Metainfo.create(Files.write(dir.resolve("source"), data), "x", List.of(), PIECE);
  }

  @AfterEach
  void stopDisk() {
    disk.shutdownNow();
  }

  /** Piece {@code piece} of {@code content} at the start of an array of the nominal length. */
  private byte[] piece(byte[] content, int piece) {
    byte[] array = new byte[PIECE];
    int start = piece * PIECE;
    System.arraycopy(content, start, array, 0, metainfo.pieceSize(piece));
    return array;
  }

  private boolean write(PieceStorage storage, int piece, byte[] content) throws Exception {
    return storage
        .writePiece(new PieceIndex(piece), piece(content, piece), false)
        .get(5, TimeUnit.SECONDS);
  }

  @Test
  void aPieceWithTheRightBytesIsWrittenAndVerifiedAndOneWithWrongBytesIsNeither() throws Exception {
    Path part = dir.resolve("p");
    PieceStorage storage = PieceStorage.download(metainfo, part, dir.resolve("f"), disk);
    byte[] wrong = data.clone();
    wrong[PIECE + 5] ^= 1;

    assertThat(write(storage, 0, data)).isTrue();
    assertThat(write(storage, 1, wrong)).isFalse();

    assertThat(storage.verifiedBytes()).isEqualTo(PIECE);
    assertThat(storage.isVerified(new PieceIndex(0))).isTrue();
    assertThat(storage.isVerified(new PieceIndex(1))).isFalse();
    assertThat(storage.isComplete()).isFalse();
    // Only verified bytes reach the file.
    assertThat(Files.readAllBytes(part)).isEqualTo(Arrays.copyOf(data, PIECE));
    storage.close();
  }

  @Test
  void aPieceThatDoesNotFitTheTorrentIsRefused() throws Exception {
    PieceStorage storage =
        PieceStorage.download(metainfo, dir.resolve("p"), dir.resolve("f"), disk);

    assertThatThrownBy(() -> storage.writePiece(new PieceIndex(3), new byte[PIECE], false).get())
        .hasCauseInstanceOf(StorageException.class);
    assertThatThrownBy(() -> storage.writePiece(new PieceIndex(0), new byte[100], false).get())
        .hasCauseInstanceOf(StorageException.class);
    storage.close();
  }

  @Test
  void onADiskExecutorAPieceAReaderWaitsForGoesBeforeQueuedOnes() throws Exception {
    DiskExecutor one = new DiskExecutor(1, Executors.defaultThreadFactory());
    try {
      PieceStorage storage =
          PieceStorage.download(metainfo, dir.resolve("p"), dir.resolve("f"), one);
      CountDownLatch busy = new CountDownLatch(1);
      one.execute(
          () -> {
            try {
              busy.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      List<Integer> order = new CopyOnWriteArrayList<>();
      List<CompletableFuture<Boolean>> writes = new ArrayList<>();
      for (int i : new int[] {0, 1, 2}) {
        writes.add(
            storage
                .writePiece(new PieceIndex(i), piece(data, i), i == 2)
                .whenComplete((ok, e) -> order.add(i)));
      }
      busy.countDown();
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);

      assertThat(order).containsExactly(2, 0, 1);
      assertThat(storage.isComplete()).isTrue();
      storage.close();
    } finally {
      one.shutdown();
    }
  }

  @Test
  void finishingRenamesThePartFileIntoPlace() throws Exception {
    Path part = dir.resolve("partial/x.part");
    Path target = dir.resolve("blobs/x");
    PieceStorage storage = PieceStorage.download(metainfo, part, target, disk);
    for (int i = 0; i < metainfo.pieceCount(); i++) {
      assertThat(write(storage, i, data)).isTrue();
    }

    assertThat(storage.finish().get(5, TimeUnit.SECONDS)).isEqualTo(target);

    assertThat(part).doesNotExist();
    assertThat(Files.readAllBytes(target)).isEqualTo(data);
    // Uploads keep working after the rename: the channel still points at the same file.
    FileRegion region = storage.region(BlockRef.of(2, 0, 1000));
    assertThat(region.count()).isEqualTo(1000);
    region.release();
    storage.close();
  }

  @Test
  void finishingBeforeEveryPieceIsVerifiedFails() throws Exception {
    PieceStorage storage =
        PieceStorage.download(metainfo, dir.resolve("p"), dir.resolve("f"), disk);

    assertThatThrownBy(() -> storage.finish().get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("not complete");
    storage.close();
  }

  @Test
  void aRegionOfAnUnverifiedPieceIsRefused() throws Exception {
    PieceStorage storage =
        PieceStorage.download(metainfo, dir.resolve("p"), dir.resolve("f"), disk);

    assertThatThrownBy(() -> storage.region(BlockRef.of(0, 0, 100)))
        .isInstanceOf(IllegalStateException.class);
    storage.close();
  }

  @Test
  void seedingAFileOfTheWrongSizeIsRefused() throws Exception {
    Path shorter = Files.write(dir.resolve("short"), new byte[10]);

    assertThatThrownBy(() -> PieceStorage.seed(metainfo, shorter, disk))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("10 bytes");
  }

  @Test
  void aStreamWaitsForThePieceItNeedsThenReadsOnlyVerifiedBytes() throws Exception {
    PieceStorage storage =
        PieceStorage.download(
            metainfo, dir.resolve("p"), dir.resolve("f"), MoreExecutors.directExecutor());
    InputStream stream = storage.openStream(PIECE - 10);
    CompletableFuture<byte[]> firstRead =
        CompletableFuture.supplyAsync(
            () -> {
              byte[] buf = new byte[100];
              try {
                int n = stream.read(buf);
                return Arrays.copyOf(buf, n);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    assertThat(storage.readerPosition()).isEqualTo(PIECE - 10);

    assertThat(write(storage, 0, data)).isTrue();

    // Only the 10 verified bytes come back, although 100 were asked for.
    assertThat(firstRead.get(10, TimeUnit.SECONDS))
        .isEqualTo(Arrays.copyOfRange(data, PIECE - 10, PIECE));
    stream.close();
    storage.close();
  }

  @Test
  void aStreamOfASeedReadsEverythingAndEndsAtTheEnd() throws Exception {
    PieceStorage storage = PieceStorage.seed(metainfo, dir.resolve("source"), disk);

    try (InputStream stream = storage.openStream(0)) {
      assertThat(stream.readAllBytes()).isEqualTo(data);
      assertThat(stream.read()).isEqualTo(-1);
    }
    assertThat(storage.isComplete()).isTrue();
    storage.close();
  }

  @Test
  void closingTheStorageFailsAWaitingStream() throws Exception {
    PieceStorage storage =
        PieceStorage.download(metainfo, dir.resolve("p"), dir.resolve("f"), disk);
    InputStream stream = storage.openStream(0);
    CompletableFuture<Integer> read =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return stream.read();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });

    storage.close();

    assertThatThrownBy(() -> read.get(10, TimeUnit.SECONDS)).hasMessageContaining("removed");
  }
}
