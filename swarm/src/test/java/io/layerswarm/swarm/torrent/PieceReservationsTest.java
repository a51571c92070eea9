package io.layerswarm.swarm.torrent;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.swarm.storage.InMemoryPieceStore;
import io.layerswarm.swarm.storage.PieceMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PieceReservationsTest {
  private static final int PIECE = 32 * 1024;

  @TempDir Path dir;
  private final AtomicInteger wakeUps = new AtomicInteger();
  private final PieceMemory memory = new PieceMemory(2 * PIECE);
  private InMemoryPieceStore store;

  @BeforeEach
  void setUp() throws Exception {
    Metainfo metainfo =
        Metainfo.create(Files.write(dir.resolve("f"), new byte[10 * PIECE]), "x", List.of(), PIECE);
    store = InMemoryPieceStore.trusting(metainfo, false);
  }

  private PieceReservations reservations() {
    return new PieceReservations(memory, store, PIECE, wakeUps::incrementAndGet);
  }

  @Test
  void aTorrentMayAlwaysHoldOnePieceEvenWhenTheBudgetIsGone() {
    memory.tryReserve(2 * PIECE, false, () -> {});
    PieceReservations mine = reservations();

    assertThat(mine.reserve(0, false)).isTrue();
    assertThat(mine.reserve(1, false)).isFalse();
  }

  @Test
  void thePieceAReaderWaitsForIsAlwaysStarted() {
    memory.tryReserve(2 * PIECE, false, () -> {});
    PieceReservations mine = reservations();
    mine.reserve(0, false);

    assertThat(mine.reserve(5, true)).isTrue();
  }

  @Test
  void beyondOnePieceTheSharedBudgetDecides() {
    PieceReservations mine = reservations();

    assertThat(mine.reserve(0, false)).isTrue();
    assertThat(mine.reserve(1, false)).isTrue();
    assertThat(mine.reserve(2, false)).as("a budget of two pieces").isFalse();
    assertThat(memory.reserved()).isEqualTo(2 * PIECE);
  }

  @Test
  void aRefusedTorrentIsWokenWhenMemoryIsGivenBack() {
    PieceReservations mine = reservations();
    mine.reserve(0, false);
    mine.reserve(1, false);
    assertThat(mine.reserve(2, false)).isFalse();

    mine.release(1, true);

    assertThat(wakeUps).hasValue(1);
    assertThat(mine.reserve(2, false)).isTrue();
  }

  @Test
  void aPieceStillHeldIsNotReservedTwice() {
    PieceReservations mine = reservations();
    mine.reserve(0, false);

    assertThat(mine.reserve(0, false)).isTrue();
    assertThat(memory.reserved()).isEqualTo(PIECE);
    mine.release(0, true);
    mine.release(0, true);
    assertThat(memory.reserved()).isZero();
  }

  @Test
  void releasingEverythingGivesBackEveryPiece() {
    PieceReservations mine = reservations();
    mine.reserve(0, false);
    mine.hold(7);

    mine.releaseAll();

    assertThat(memory.reserved()).isZero();
  }
}
