package io.layerswarm.swarm.channel;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stops reading from a peer while it may not send us more, and starts again when it may: Netty's
 * backpressure ({@code autoRead}) instead of buffers. Two reasons hold reading back:
 *
 * <ul>
 *   <li>the channel is not writable: the peer does not read what we send, so every request it sends
 *       would queue one more answer (a piece or a reject) in our memory;
 *   <li>the torrent's loop has not yet handled what was read: {@link #HIGH_BYTES} or {@link
 *       #HIGH_MESSAGES} are waiting (an incoming connection lives on another event loop than its
 *       torrent, and a peer can send faster than the torrent handles).
 * </ul>
 *
 * Piece uploads do not count against writability: they go out as file regions, which Netty counts
 * as 0 bytes, and are bounded by the upload queue; so two peers that upload to each other never
 * both stop reading. A channel that stays not writable for {@link #WRITE_STALL} has a peer that
 * does not read: the gate then fires {@link #STALLED} down the pipeline, and the peer's handler
 * bans it. Without that, a peer that stops reading once enough small answers (rejects) wait would
 * keep its connection, unread and unbanned, until the read-idle timeout, because the limits that
 * ban are counted on what we read. Channel's event loop only, except {@link #handled}, which any
 * thread calls.
 */
final class ReadGate extends ChannelInboundHandlerAdapter {
  /** Bytes read and not yet handled by the torrent's loop above which reading stops. */
  static final long HIGH_BYTES = 512 * 1024;

  /**
   * Messages read and not yet handled above which reading stops: a request is 17 bytes on the wire
   * but about 150 bytes of heap until it is handled, so bytes alone would let a flood of small
   * messages take ten times its size in heap.
   */
  static final int HIGH_MESSAGES = 1024;

  /** How long a channel may stay not writable before its peer counts as one that does not read. */
  static final Duration WRITE_STALL = Duration.ofSeconds(30);

  /** The user event fired when a channel stayed not writable for {@link #WRITE_STALL}. */
  static final Object STALLED = "write stalled";

  private final AtomicLong bytes = new AtomicLong();
  private final AtomicInteger messages = new AtomicInteger();
  private final AtomicBoolean resumeQueued = new AtomicBoolean();
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> stall;

  /** Whether the backlog passed a high mark and has not come down to half of it yet. */
  private volatile boolean backlogged;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** A message of {@code size} wire bytes goes to the torrent's loop. Channel's loop. */
  void received(int size) {
    long b = bytes.addAndGet(size);
    int m = messages.incrementAndGet();
    if (!backlogged && (b > HIGH_BYTES || m > HIGH_MESSAGES)) {
      backlogged = true;
      update();
    }
  }

  /** The torrent's loop handled a message of {@code size} wire bytes. Any thread. */
  void handled(int size) {
    long b = bytes.addAndGet(-size);
    int m = messages.decrementAndGet();
    if (backlogged
        && b <= HIGH_BYTES / 2
        && m <= HIGH_MESSAGES / 2
        && resumeQueued.compareAndSet(false, true)) {
      ctx.executor().execute(this::resume);
    }
  }

  private void resume() {
    resumeQueued.set(false);
    if (backlogged && bytes.get() <= HIGH_BYTES / 2 && messages.get() <= HIGH_MESSAGES / 2) {
      backlogged = false;
      update();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    update();
    ctx.fireChannelWritabilityChanged();
  }

  /** Whether reading is on. Channel's loop. */
  boolean isReading() {
    return ctx.channel().config().isAutoRead();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (stall != null) {
      stall.cancel(false);
      stall = null;
    }
    ctx.fireChannelInactive();
  }

  private void stalled() {
    stall = null;
    if (ctx.channel().isActive() && !ctx.channel().isWritable()) {
      ctx.fireUserEventTriggered(STALLED);
    }
  }

  private void update() {
    boolean writable = ctx.channel().isWritable();
    if (writable && stall != null) {
      stall.cancel(false);
      stall = null;
    } else if (!writable && stall == null) {
      stall = ctx.executor().schedule(this::stalled, WRITE_STALL.toMillis(), TimeUnit.MILLISECONDS);
    }
    boolean read = writable && !backlogged;
    if (ctx.channel().config().isAutoRead() != read) {
      ctx.channel().config().setAutoRead(read); // On again, Netty asks for a read itself.
    }
  }
}
