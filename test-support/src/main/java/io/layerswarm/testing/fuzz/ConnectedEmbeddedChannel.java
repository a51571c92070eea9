package io.layerswarm.testing.fuzz;

import io.netty.channel.ChannelHandler;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * An {@link EmbeddedChannel} that looks like an accepted TCP connection: its addresses are {@link
 * InetSocketAddress}es (handlers that key limits or logs by the peer's address cast them), and its
 * handlers, typically one channel initializer, are added before it registers, so they see {@code
 * channelRegistered} and {@code channelActive} as on a real server channel.
 */
public final class ConnectedEmbeddedChannel extends EmbeddedChannel {
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

  @Override
  protected SocketAddress remoteAddress0() {
    return isActive() ? remote : null;
  }

  @Override
  protected SocketAddress localAddress0() {
    return isActive() ? local : null;
  }
}
