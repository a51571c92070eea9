package io.layerswarm.swarm.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.TorrentGeometry;
import io.layerswarm.swarm.peer.RequestPipeline.Arrival;
import io.layerswarm.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestPipelineTest {
  private static final int BLOCK = TorrentGeometry.BLOCK_SIZE;
  private final ManualClock clock = new ManualClock();

  private static List<BlockRef> blocks(int from, int count) {
    List<BlockRef> list = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      list.add(BlockRef.of(i, 0, BLOCK));
    }
    return list;
  }

  @Test
  void aNewPipelineAsksForTheInitialDepthCappedByTheMaximum() {
    assertThat(new RequestPipeline(256, BLOCK, clock.instant()).room())
        .isEqualTo(RequestPipeline.INITIAL_REQUEST_BYTES / BLOCK);
    assertThat(new RequestPipeline(8, BLOCK, clock.instant()).room()).isEqualTo(8);
  }

  @Test
  void itIsToppedUpInBatchesNotPerBlock() {
    RequestPipeline pipeline = new RequestPipeline(256, BLOCK, clock.instant());
    pipeline.requested(blocks(0, 64), clock.instant());
    assertThat(pipeline.room()).isZero();

    for (BlockRef b : blocks(0, 15)) {
      pipeline.arrived(b, clock.instant());
    }
    assertThat(pipeline.room()).as("15 free of 64: below a batch of 16").isZero();

    pipeline.arrived(BlockRef.of(15, 0, BLOCK), clock.instant());
    assertThat(pipeline.room()).isEqualTo(16);
  }

  @Test
  void aBlockIsRequestedLateOrNeverRequested() {
    RequestPipeline pipeline = new RequestPipeline(256, BLOCK, clock.instant());
    pipeline.requested(blocks(0, 3), clock.instant());
    pipeline.withdraw(BlockRef.of(1, 0, BLOCK));

    assertThat(pipeline.arrived(BlockRef.of(0, 0, BLOCK), clock.instant()))
        .isEqualTo(Arrival.REQUESTED);
    assertThat(pipeline.arrived(BlockRef.of(1, 0, BLOCK), clock.instant())).isEqualTo(Arrival.LATE);
    assertThat(pipeline.arrived(BlockRef.of(1, 0, BLOCK), clock.instant()))
        .as("a second copy of a late block")
        .isEqualTo(Arrival.UNREQUESTED);
    assertThat(pipeline.arrived(BlockRef.of(2, 0, 100), clock.instant()))
        .as("another length than asked for")
        .isEqualTo(Arrival.UNREQUESTED);
  }

  @Test
  void onlyTheNewestWithdrawalsAreRemembered() {
    RequestPipeline pipeline = new RequestPipeline(1024, BLOCK, clock.instant());
    pipeline.requested(blocks(0, RequestPipeline.WITHDRAWN_MEMORY + 1), clock.instant());

    List<BlockRef> withdrawn = pipeline.withdrawAll();

    assertThat(withdrawn).hasSize(RequestPipeline.WITHDRAWN_MEMORY + 1);
    assertThat(pipeline.isEmpty()).isTrue();
    assertThat(pipeline.arrived(BlockRef.of(0, 0, BLOCK), clock.instant()))
        .as("the oldest withdrawal was forgotten")
        .isEqualTo(Arrival.UNREQUESTED);
    assertThat(pipeline.arrived(BlockRef.of(1, 0, BLOCK), clock.instant())).isEqualTo(Arrival.LATE);
  }

  @Test
  void theDepthFollowsHalfASecondOfThePeersRateWithinItsBounds() {
    RequestPipeline pipeline = new RequestPipeline(256, BLOCK, clock.instant());

    pipeline.adapt(100 * BLOCK); // 100 blocks a second
    assertThat(pipeline.depth()).isEqualTo(50);

    pipeline.adapt(0);
    assertThat(pipeline.depth()).isEqualTo(RequestPipeline.MIN_REQUEST_BYTES / BLOCK);

    pipeline.adapt(10_000L * BLOCK);
    assertThat(pipeline.depth()).isEqualTo(256);
  }

  @Test
  void largerBlocksMakeAShallowerPipelineForTheSameRate() {
    RequestPipeline pipeline = new RequestPipeline(256, 4 * BLOCK, clock.instant());

    pipeline.adapt(400 * BLOCK);

    assertThat(pipeline.depth()).isEqualTo(50);
  }

  @Test
  void wholePieceRequestsKeepTheSameBytesInFlightAsSixteenKibBlocks() {
    int piece = 256 * 1024;
    RequestPipeline pipeline = new RequestPipeline(256, piece, clock.instant());

    assertThat(pipeline.room()).as("1 MiB").isEqualTo(4);
    pipeline.adapt(0);
    assertThat(pipeline.depth()).as("256 KiB").isEqualTo(1);
    pipeline.requested(List.of(BlockRef.of(0, 0, piece)), clock.instant());
    assertThat(pipeline.room()).as("full").isZero();
    pipeline.arrived(BlockRef.of(0, 0, piece), clock.instant());
    assertThat(pipeline.room()).as("one piece is a whole batch").isEqualTo(1);
  }

  @Test
  void aPeerThatOwesBlocksAndSendsNothingForAMinuteIsSnubbed() {
    RequestPipeline pipeline = new RequestPipeline(256, BLOCK, clock.instant());
    clock.advance(Duration.ofMinutes(5));
    assertThat(pipeline.snubbed(clock.instant())).as("owes nothing").isFalse();

    pipeline.requested(blocks(0, 2), clock.instant());
    clock.advance(RequestPipeline.SNUB_TIMEOUT);
    assertThat(pipeline.snubbed(clock.instant())).isFalse();
    pipeline.arrived(BlockRef.of(0, 0, BLOCK), clock.instant());
    clock.advance(RequestPipeline.SNUB_TIMEOUT);
    assertThat(pipeline.snubbed(clock.instant())).as("a block restarts the count").isFalse();

    clock.advance(Duration.ofMillis(1));
    assertThat(pipeline.snubbed(clock.instant())).isTrue();
  }
}
