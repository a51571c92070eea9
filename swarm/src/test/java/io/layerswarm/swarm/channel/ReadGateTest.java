package io.layerswarm.swarm.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
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
}
