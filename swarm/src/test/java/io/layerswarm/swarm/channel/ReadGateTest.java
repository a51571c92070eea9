package io.layerswarm.swarm.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReadGateTest {
  private final ReadGate gate = new ReadGate();
  private final EmbeddedChannel channel = new EmbeddedChannel(gate);

  @Test
  void readingStopsWhileTheChannelIsNotWritableAndResumesWhenItIs() {
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));

    channel.write(Unpooled.wrappedBuffer(new byte[32])); // Waits unflushed: over the high mark.
    assertThat(channel.isWritable()).isFalse();
    assertThat(channel.config().isAutoRead()).isFalse();

    channel.flush();
    assertThat(channel.isWritable()).isTrue();
    assertThat(channel.config().isAutoRead()).isTrue();
    channel.releaseOutbound();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void readingStopsWhenTooManyBytesWaitForTheTorrentAndResumesAtHalf() {
    gate.received((int) ReadGate.HIGH_BYTES);
    assertThat(channel.config().isAutoRead()).as("at the mark").isTrue();
    gate.received(1);
    assertThat(channel.config().isAutoRead()).isFalse();

    gate.handled((int) (ReadGate.HIGH_BYTES / 2));
    channel.runPendingTasks();
    assertThat(channel.config().isAutoRead()).as("still above half").isFalse();

    gate.handled(1);
    channel.runPendingTasks();
    assertThat(channel.config().isAutoRead()).isTrue();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void readingStopsWhenTooManySmallMessagesWaitForTheTorrent() {
    for (int i = 0; i <= ReadGate.HIGH_MESSAGES; i++) {
      gate.received(17);
    }
    assertThat(channel.config().isAutoRead()).isFalse();

    for (int i = 0; i <= ReadGate.HIGH_MESSAGES / 2; i++) {
      gate.handled(17);
    }
    channel.runPendingTasks();
    assertThat(channel.config().isAutoRead()).isTrue();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aWritableChannelDoesNotResumeReadingWhileTheTorrentIsBehind() {
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
    gate.received((int) ReadGate.HIGH_BYTES + 1);
    channel.write(Unpooled.wrappedBuffer(new byte[32]));

    channel.flush(); // Writable again, but the backlog still holds reading back.

    assertThat(channel.isWritable()).isTrue();
    assertThat(channel.config().isAutoRead()).isFalse();
    channel.releaseOutbound();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  /** Records the user events that reach the end of the pipeline, the clock frozen. */
  private List<Object> unwritableOnAFrozenClock() {
    List<Object> events = new ArrayList<>();
    channel.pipeline().addLast(new Events(events));
    channel.freezeTime();
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
    channel.write(Unpooled.wrappedBuffer(new byte[32])); // Waits unflushed: over the high mark.
    return events;
  }

  @Test
  void aChannelThatStaysNotWritableForTheStallTimeIsReportedAsNotReading() {
    List<Object> events = unwritableOnAFrozenClock();

    channel.advanceTimeBy(ReadGate.WRITE_STALL.toMillis() - 1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThat(events).as("before the stall time").isEmpty();
    channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();

    assertThat(events).containsExactly(ReadGate.STALLED);
    channel.flush();
    channel.releaseOutbound();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aChannelThatDrainsInTimeIsNotReported() {
    List<Object> events = unwritableOnAFrozenClock();

    channel.advanceTimeBy(ReadGate.WRITE_STALL.toMillis() - 1, TimeUnit.MILLISECONDS);
    channel.flush(); // Drained: writable again.
    channel.advanceTimeBy(ReadGate.WRITE_STALL.toMillis(), TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();

    assertThat(events).isEmpty();
    channel.releaseOutbound();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  /** Records the user events that reach the end of the pipeline. */
  private static final class Events extends ChannelInboundHandlerAdapter {
    private final List<Object> events;

    Events(List<Object> events) {
      this.events = events;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      events.add(event);
    }
  }
}
