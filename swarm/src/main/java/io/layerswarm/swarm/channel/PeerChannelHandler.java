package io.layerswarm.swarm.channel;

import io.layerswarm.swarm.log.LogKeys;
import io.layerswarm.swarm.peer.Peer;
import io.layerswarm.swarm.peer.Swarm;
import io.layerswarm.swarm.wire.Handshake;
import io.layerswarm.swarm.wire.PeerMessage;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the messages of a connection that finished its handshake to its {@link Peer} on the
 * torrent's event loop, in order. Installed by {@link HandshakeHandler}.
 */
final class PeerChannelHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(PeerChannelHandler.class);

  private final Endpoint torrent;
  private final Swarm swarm;
  private final Handshake handshake;
  private final boolean outgoing;

  /** Set and read on the torrent's event loop only. */
  private Peer peer;

  PeerChannelHandler(Endpoint torrent, Handshake handshake, boolean outgoing) {
    this.torrent = torrent;
    this.swarm = torrent.swarm();
    this.handshake = handshake;
    this.outgoing = outgoing;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    ChannelPeerLink link = new ChannelPeerLink(ctx.channel(), torrent);
    // Submitted before any message of this channel, so the peer exists when they arrive.
    swarm.execute(
        () -> {
          if (!ctx.channel().isActive()) {
            return;
          }
          peer = swarm.attach(link, handshake, outgoing);
          if (peer == null) {
            link.close("refused");
          } else {
            peer.start();
          }
        });
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof PeerMessage message)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    swarm.execute(
        () -> {
          if (peer == null) {
            ReferenceCountUtil.release(message);
          } else {
            peer.handle(message);
          }
        });
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    swarm.execute(
        () -> {
          if (peer != null) {
            peer.closed();
          }
        });
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Malformed or oversized input closes this connection only.
    LogKeys.peer(LogKeys.torrent(log.atDebug(), swarm.metainfo()), ctx.channel().remoteAddress())
        .log("connection failed: {}", cause.toString());
    ctx.close();
  }
}
