package io.layerswarm.swarm.listener;

import io.layerswarm.core.KeyedLimiter;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the connections a listener holds open at once, in all and from one address (core's {@link
 * KeyedLimiter}, as the tracker's listener counts them): a connection over a cap is closed as soon
 * as it is accepted, before a byte of it is read, so no client can hold more of a daemon's sockets
 * and buffers than the caps. Put it first in every child pipeline of the listener, one shared
 * instance per listener. Thread-safe.
 */
@Sharable
public final class ConnectionCap extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ConnectionCap.class);

  private final String listener;
  private final KeyedLimiter<InetAddress> limiter;
  private final AtomicLong refused = new AtomicLong();

  /**
   * @param listener the config key of the listener, for the log
   * @param max connections held at once, at least 1
   * @param maxPerAddress of those, from one address, at least 1
   */
  public ConnectionCap(String listener, int max, int maxPerAddress) {
    if (max < 1 || maxPerAddress < 1) {
      throw new IllegalArgumentException(
          listener + ": connection caps must be >= 1: " + max + ", " + maxPerAddress);
    }
    this.listener = listener;
    this.limiter = new KeyedLimiter<>(max, maxPerAddress);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    InetAddress address = address(ctx);
    KeyedLimiter.Refusal refusal = limiter.acquire(address);
    if (refusal != null) {
      long count = refused.incrementAndGet();
      if (Long.bitCount(count) == 1) { // the 1st, 2nd, 4th, 8th, ...: a flood logs little
        log.warn(
            "{}: closing a connection from {}: {} ({} refused so far)",
            listener,
            address,
            refusal == KeyedLimiter.Refusal.TOTAL
                ? "the listener holds all the connections it may"
                : "that address holds all the connections one may",
            count);
      }
      ctx.close();
      return;
    }
    ctx.channel().closeFuture().addListener(f -> limiter.release(address));
    ctx.pipeline().remove(this);
    ctx.fireChannelActive();
  }

  /** The peer's address; one key for channels without one (in-memory, embedded). */
  private static InetAddress address(ChannelHandlerContext ctx) {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress inet
            && inet.getAddress() != null
        ? inet.getAddress()
        : InetAddress.getLoopbackAddress();
  }

  /** Connections open now. */
  public int open() {
    return limiter.total();
  }

  /** Connections closed at once because the cap was reached, since start. */
  public long refused() {
    return refused.get();
  }
}
