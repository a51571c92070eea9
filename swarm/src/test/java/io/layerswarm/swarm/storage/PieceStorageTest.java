package io.layerswarm.swarm.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.MoreExecutors;
import io.layerswarm.swarm.metainfo.BlockRef;
import io.layerswarm.swarm.metainfo.Metainfo;
import io.layerswarm.swarm.metainfo.PieceIndex;
import io.netty.buffer.Unpooled;
import io.netty.channel.FileRegion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
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

  private void writePiece(PieceStorage storage, int piece, byte[] content) throws Exception {
    int start = piece * PIECE;
    int size = metainfo.pieceSize(piece);
    for (int off = 0; off < size; off += 16 * 1024) {
      int len = Math.min(16 * 1024, size - off);
      storage.write(BlockRef.of(piece, off, len),
          Unpooled.wrappedBuffer(Arrays.copyOfRange(content, start + off, start + off + len)))
          .get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aPieceWithTheRightBytesVerifiesAndOneWithWrongBytesDoesNot() throws Exception {
    PieceStorage storage = PieceStorage.download(metainfo, dir.resolve("p"), dir.resolve("f"),
        disk);
    writePiece(storage, 0, data);
    byte[] wrong = data.clone();
    wrong[PIECE + 5] ^= 1;
    writePiece(storage, 1, wrong);

    assertThat(storage.verify(new PieceIndex(0)).get(5, TimeUnit.SECONDS)).isTrue();
    assertThat(storage.verify(new PieceIndex(1)).get(5, TimeUnit.SECONDS)).isFalse();
    assertThat(storage.verifiedBytes()).isEqualTo(PIECE);
    assertThat(storage.isVerified(new PieceIndex(1))).isFalse();
    assertThat(storage.isComplete()).isFalse();
    storage.close();
  }

  @Test
  void blocksWrittenOutOfOrderAreReadBackToVerify() throws Exception {
    PieceStorage storage = PieceStorage.download(metainfo, dir.resolve("p"), dir.resolve("f"),
        disk);
    storage.write(BlockRef.of(0, 16 * 1024, 16 * 1024),
        Unpooled.wrappedBuffer(Arrays.copyOfRange(data, 16 * 1024, PIECE)));
    storage.write(BlockRef.of(0, 0, 16 * 1024),
        Unpooled.wrappedBuffer(Arrays.copyOfRange(data, 0, 16 * 1024)));

    assertThat(storage.verify(new PieceIndex(0)).get(5, TimeUnit.SECONDS)).isTrue();
    storage.close();
  }

  @Test
  void finishingRenamesThePartFileIntoPlace() throws Exception {
    Path part = dir.resolve("partial/x.part");
    Path target = dir.resolve("blobs/x");
    PieceStorage storage = PieceStorage.download(metainfo, part, target, disk);
    for (int i = 0; i < metainfo.pieceCount(); i++) {
      writePiece(storage, i, data);
      assertThat(storage.verify(new PieceIndex(i)).get(5, TimeUnit.SECONDS)).isTrue();
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
    PieceStorage storage = PieceStorage.download(metainfo, dir.resolve("p"), dir.resolve("f"),
        disk);

    assertThatThrownBy(() -> storage.finish().get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).hasMessageContaining("not complete");
    storage.close();
  }

  @Test
  void aRegionOfAnUnverifiedPieceIsRefused() throws Exception {
    PieceStorage storage = PieceStorage.download(metainfo, dir.resolve("p"), dir.resolve("f"),
        disk);

    assertThatThrownBy(() -> storage.region(BlockRef.of(0, 0, 100)))
        .isInstanceOf(IllegalStateException.class);
    storage.close();
  }

  @Test
  void aBlockThatDoesNotFitTheTorrentIsRejectedAndReleased() throws Exception {
    PieceStorage storage = PieceStorage.download(metainfo, dir.resolve("p"), dir.resolve("f"),
        disk);
    var buf = Unpooled.wrappedBuffer(new byte[2000]);

    assertThatThrownBy(() -> storage.write(BlockRef.of(2, 0, 2000), buf).get())
        .hasCauseInstanceOf(StorageException.class);
    assertThat(buf.refCnt()).isZero();
    storage.close();
  }

  @Test
  void seedingAFileOfTheWrongSizeIsRefused() throws Exception {
    Path shorter = Files.write(dir.resolve("short"), new byte[10]);

    assertThatThrownBy(() -> PieceStorage.seed(metainfo, shorter, disk))
        .isInstanceOf(StorageException.class).hasMessageContaining("10 bytes");
  }

  @Test
  void aStreamWaitsForThePieceItNeedsThenReadsOnlyVerifiedBytes() throws Exception {
    PieceStorage storage = PieceStorage.download(metainfo, dir.resolve("p"), dir.resolve("f"),
        MoreExecutors.directExecutor());
    InputStream stream = storage.openStream(PIECE - 10);
    CompletableFuture<byte[]> firstRead = CompletableFuture.supplyAsync(() -> {
      byte[] buf = new byte[100];
      try {
        int n = stream.read(buf);
        return Arrays.copyOf(buf, n);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    assertThat(storage.readerPosition()).isEqualTo(PIECE - 10);

    writePiece(storage, 0, data);
    assertThat(storage.verify(new PieceIndex(0)).get()).isTrue();

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
    PieceStorage storage = PieceStorage.download(metainfo, dir.resolve("p"), dir.resolve("f"),
        disk);
    InputStream stream = storage.openStream(0);
    CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
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
