package io.layerswarm.swarm.listener;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the connections a listener holds open at once: a connection over the cap is closed as soon
 * as it is accepted, before a byte of it is read, so no client can hold more of a daemon's sockets
 * and buffers than the cap. Put it first in every child pipeline of the listener, one shared
 * instance per listener. Thread-safe.
 */
@Sharable
public final class ConnectionCap extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ConnectionCap.class);

  private final String listener;
  private final int max;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();

  /**
   * @param listener the config key of the listener, for the log
   * @param max connections held at once, at least 1
   */
  public ConnectionCap(String listener, int max) {
    if (max < 1) {
      throw new IllegalArgumentException(listener + ": a connection cap must be >= 1: " + max);
    }
    this.listener = listener;
    this.max = max;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      long count = refused.incrementAndGet();
      if (Long.bitCount(count) == 1) { // the 1st, 2nd, 4th, 8th, ...: a flood logs little
        log.warn(
            "{}: {} connections open, the most it holds; closing {} ({} refused so far)",
            listener,
            max,
            ctx.channel().remoteAddress(),
            count);
      }
      ctx.close();
      return;
    }
    ctx.channel().closeFuture().addListener(f -> open.decrementAndGet());
    ctx.pipeline().remove(this);
    ctx.fireChannelActive();
  }

  /** Connections open now. */
  public int open() {
    return open.get();
  }

  /** Connections closed at once because the cap was reached, since start. */
  public long refused() {
    return refused.get();
  }
}
