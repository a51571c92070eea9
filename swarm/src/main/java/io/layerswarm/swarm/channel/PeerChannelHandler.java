package io.layerswarm.swarm.channel;

import io.layerswarm.swarm.log.LogKeys;
import io.layerswarm.swarm.peer.Peer;
import io.layerswarm.swarm.peer.Swarm;
import io.layerswarm.swarm.wire.Handshake;
import io.layerswarm.swarm.wire.PeerMessage;
import io.layerswarm.swarm.wire.PeerMessageEncoder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the messages of a connection that finished its handshake to its {@link Peer} on the
 * torrent's event loop, in order, and tells the {@link ReadGate} how many wait there. Installed by
 * {@link HandshakeHandler}.
 */
final class PeerChannelHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(PeerChannelHandler.class);

  private final Endpoint torrent;
  private final Swarm swarm;
  private final Handshake handshake;
  private final boolean outgoing;
  private final AddressBans bans;
  private ReadGate gate;
  private ChannelPeerLink link;

  /** Set and read on the torrent's event loop only. */
  private Peer peer;

  PeerChannelHandler(Endpoint torrent, Handshake handshake, boolean outgoing, AddressBans bans) {
    this.torrent = torrent;
    this.swarm = torrent.swarm();
    this.handshake = handshake;
    this.outgoing = outgoing;
    this.bans = bans;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    gate = ctx.pipeline().get(ReadGate.class);
    link = new ChannelPeerLink(ctx.channel(), torrent, bans);
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
    int size = wireSize(message);
    gate.received(size);
    swarm.execute(
        () -> {
          try {
            if (peer == null) {
              ReferenceCountUtil.release(message);
            } else {
              peer.handle(message);
            }
          } finally {
            gate.handled(size);
          }
        });
  }

  /** About the message's size on the wire: its data for a piece, a request's size otherwise. */
  private static int wireSize(PeerMessage message) {
    return message instanceof PeerMessage.Piece piece
        ? 13 + piece.data().readableBytes()
        : PeerMessageEncoder.BLOCK_MESSAGE_LENGTH;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event == ReadGate.STALLED) {
      link.ban(
          "what we sent has not drained for "
              + ReadGate.WRITE_STALL.toSeconds()
              + " s: it does not read");
      return;
    }
    ctx.fireUserEventTriggered(event);
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
