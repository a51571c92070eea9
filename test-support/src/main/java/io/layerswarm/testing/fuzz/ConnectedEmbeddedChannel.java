package io.layerswarm.testing.fuzz;

import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * An {@link EmbeddedChannel} that looks like an accepted TCP connection: its addresses are {@link
 * InetSocketAddress}es (handlers that key limits or logs by the peer's address cast them), and its
 * handlers, typically one channel initializer, are added before it registers, so they see {@code
 * channelRegistered} and {@code channelActive} as on a real server channel.
 */
public class ConnectedEmbeddedChannel extends EmbeddedChannel {
  private final InetSocketAddress remote;
  private final InetSocketAddress local;

  private ConnectedEmbeddedChannel(
      InetSocketAddress remote, InetSocketAddress local, ChannelHandler... handlers) {
    super(DefaultChannelId.newInstance(), false, false, handlers);
    this.remote = remote;
    this.local = local;
  }

  /** A registered, active channel from {@code remote} to {@code local} through {@code handlers}. */
  public static ConnectedEmbeddedChannel open(
      InetSocketAddress remote, InetSocketAddress local, ChannelHandler... handlers) {
    ConnectedEmbeddedChannel channel = new ConnectedEmbeddedChannel(remote, local, handlers);
    try {
      channel.register();
    } catch (Exception e) {
      throw new IllegalStateException("registering an embedded channel failed", e);
    }
    return channel;
  }

  /**
   * As {@link #open}, but tasks scheduled on the channel's loop run only when the test runs them
   * ({@link #runPendingTasks}), never inside a write or a flush. {@link EmbeddedChannel} runs them
   * after every operation of its {@code Unsafe}, so a task could run in the middle of an encoder's
   * write and write through the same encoder again: the registry fuzz target saw one response's
   * header buffer go out twice that way, which a real event loop never does.
   */
  public static ConnectedEmbeddedChannel openTasksBetweenWrites(
      InetSocketAddress remote, InetSocketAddress local, ChannelHandler... handlers) {
    ConnectedEmbeddedChannel channel = new TasksBetweenWrites(remote, local, handlers);
    try {
      channel.register();
    } catch (Exception e) {
      throw new IllegalStateException("registering an embedded channel failed", e);
    }
    return channel;
  }

  /** Its {@code Unsafe} is the channel's own, without {@link EmbeddedChannel}'s task runs. */
  private static final class TasksBetweenWrites extends ConnectedEmbeddedChannel {
    private static final Field UNSAFE;

    static {
      try {
        UNSAFE = AbstractChannel.class.getDeclaredField("unsafe");
        UNSAFE.setAccessible(true);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    TasksBetweenWrites(
        InetSocketAddress remote, InetSocketAddress local, ChannelHandler... handlers) {
      super(remote, local, handlers);
    }

    @Override
    public Unsafe unsafe() {
      // Called by the super constructor too (the pipeline's head keeps it): no fields used here.
      try {
        return (Unsafe) UNSAFE.get(this);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Override
  protected SocketAddress remoteAddress0() {
    return isActive() ? remote : null;
  }

  @Override
  protected SocketAddress localAddress0() {
    return isActive() ? local : null;
  }
}
