package io.layerswarm.swarm.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.BlockRef;
import org.junit.jupiter.api.Test;

class UploadQueueTest {
  private static final int BLOCK = 16 * 1024;

  @Test
  void blocksGoOutInTheOrderTheyWereAskedFor() {
    UploadQueue queue = new UploadQueue();
    queue.offer(BlockRef.of(3, 0, BLOCK));
    queue.offer(BlockRef.of(1, 0, BLOCK));

    assertThat(queue.next()).isEqualTo(BlockRef.of(3, 0, BLOCK));
    assertThat(queue.next()).isEqualTo(BlockRef.of(1, 0, BLOCK));
    assertThat(queue.next()).isNull();
  }

  @Test
  void noMoreThanTwoMibAreInFlightAtOnce() {
    UploadQueue queue = new UploadQueue();
    int fit = (int) (UploadQueue.MAX_UPLOAD_IN_FLIGHT / BLOCK);
    for (int i = 0; i <= fit; i++) {
      queue.offer(BlockRef.of(i, 0, BLOCK));
    }
    for (int i = 0; i < fit; i++) {
      assertThat(queue.next()).isNotNull();
    }

    assertThat(queue.next()).as("in flight: the bound").isNull();
    queue.written(BlockRef.of(0, 0, BLOCK));
    assertThat(queue.next()).isEqualTo(BlockRef.of(fit, 0, BLOCK));
  }

  @Test
  void aFullQueueRefusesMoreRequests() {
    UploadQueue queue = new UploadQueue();
    for (int i = 0; i < UploadQueue.MAX_UPLOAD_QUEUE; i++) {
      assertThat(queue.offer(BlockRef.of(i, 0, BLOCK))).isTrue();
    }

    assertThat(queue.offer(BlockRef.of(0, BLOCK, BLOCK))).isFalse();
  }

  @Test
  void aCancelRemovesOnlyARequestNotSentYet() {
    UploadQueue queue = new UploadQueue();
    queue.offer(BlockRef.of(0, 0, BLOCK));
    queue.offer(BlockRef.of(1, 0, BLOCK));
    queue.next();

    assertThat(queue.cancel(BlockRef.of(0, 0, BLOCK))).as("already sent").isFalse();
    assertThat(queue.cancel(BlockRef.of(1, 0, BLOCK))).isTrue();
    assertThat(queue.isEmpty()).isTrue();
  }

  @Test
  void clearingReturnsWhatWasQueuedForRejects() {
    UploadQueue queue = new UploadQueue();
    queue.offer(BlockRef.of(0, 0, BLOCK));
    queue.offer(BlockRef.of(1, 0, BLOCK));

    assertThat(queue.clear()).containsExactly(BlockRef.of(0, 0, BLOCK), BlockRef.of(1, 0, BLOCK));
    assertThat(queue.next()).isNull();
  }
}
