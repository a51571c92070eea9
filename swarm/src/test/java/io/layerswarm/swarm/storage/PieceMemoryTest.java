package io.layerswarm.swarm.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PieceMemoryTest {
  private static final int PIECE = 1000;

  @Test
  void newPiecesAreRefusedOverTheBudgetButATorrentsFirstPieceIsNot() {
    PieceMemory memory = new PieceMemory(2 * PIECE);

    assertThat(memory.tryReserve(PIECE, false, () -> {})).isTrue();
    assertThat(memory.tryReserve(PIECE, false, () -> {})).isTrue();
    assertThat(memory.tryReserve(PIECE, false, () -> {})).isFalse();
    assertThat(memory.tryReserve(PIECE, true, () -> {})).isTrue();

    assertThat(memory.reserved()).isEqualTo(3 * PIECE);
    assertThat(memory.peak()).isEqualTo(3 * PIECE);
  }

  @Test
  void thoseRefusedAreCalledBackOnceWhenMemoryIsGivenBack() {
    PieceMemory memory = new PieceMemory(PIECE);
    AtomicInteger wakeUps = new AtomicInteger();
    Runnable wakeUp = wakeUps::incrementAndGet;
    memory.tryReserve(PIECE, false, wakeUp);
    assertThat(memory.tryReserve(PIECE, false, wakeUp)).isFalse();
    assertThat(memory.tryReserve(PIECE, false, wakeUp)).isFalse();

    memory.release(PIECE, null, true);
    memory.release(0, null, true);

    assertThat(wakeUps).hasValue(1);
    assertThat(memory.reserved()).isZero();
  }

  @Test
  void arraysAreReusedUpToTheMostEverNeededAtOnce() {
    PieceMemory memory = new PieceMemory(PIECE);
    memory.tryReserve(PIECE, false, () -> {});
    memory.tryReserve(PIECE, true, () -> {}); // A torrent's first piece, over the budget.
    byte[] a = memory.array(PIECE);
    byte[] b = memory.array(PIECE);
    memory.release(PIECE, a, true);
    memory.release(PIECE, b, true);
    assertThat(memory.arrayBytes()).as("both kept: two were needed at once").isEqualTo(2 * PIECE);

    memory.tryReserve(PIECE, false, () -> {});
    assertThat(memory.array(PIECE)).isIn(a, b);
    byte[] extra = new byte[PIECE];
    memory.release(PIECE, extra, false);
    assertThat(memory.arrayBytes()).as("not for reuse: forgotten").isEqualTo(PIECE);
  }

  @Test
  void anArrayIsPooledBeforeThoseWaitingAreWokenUp() {
    PieceMemory memory = new PieceMemory(PIECE);
    memory.tryReserve(PIECE, false, () -> {});
    byte[] a = memory.array(PIECE);
    byte[][] got = new byte[1][];
    memory.tryReserve(
        PIECE,
        false,
        () -> {
          // A torrent woken up at once takes the memory and an array, and gets the one given back.
          memory.tryReserve(PIECE, false, () -> {});
          got[0] = memory.array(PIECE);
        });

    memory.release(PIECE, a, true);

    assertThat(got[0]).isSameAs(a);
  }

  @Test
  void givingBackMoreThanWasReservedIsABug() {
    PieceMemory memory = new PieceMemory(PIECE);
    assertThatThrownBy(() -> memory.release(1, null, true))
        .isInstanceOf(IllegalStateException.class);
  }
}
