package io.layerswarm.swarm.channel;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.swarm.log.LogKeys;
import io.layerswarm.swarm.wire.Handshake;
import io.layerswarm.swarm.wire.HandshakeEncoder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Runs the BEP 3 handshake. On an outgoing connection it sends ours first and expects the same info
 * hash back; on an incoming one it routes the remote handshake's info hash to a torrent and
 * answers, or closes the connection for an unknown info hash. A connection to ourselves, or one
 * that does not finish in time, is closed. Then it replaces itself with a {@link
 * PeerChannelHandler}. Runs on the channel's event loop.
 */
public final class HandshakeHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(HandshakeHandler.class);

  private final Admission admission;
  private final PeerId localId;
  private final boolean outgoing;
  private final InfoHash outgoingInfoHash;
  private final Function<InfoHash, Optional<Endpoint>> directory;
  private ScheduledFuture<?> timeout;

  private HandshakeHandler(
      Admission admission,
      PeerId localId,
      boolean outgoing,
      InfoHash outgoingInfoHash,
      Function<InfoHash, Optional<Endpoint>> directory) {
    this.admission = admission;
    this.localId = localId;
    this.outgoing = outgoing;
    this.outgoingInfoHash = outgoingInfoHash;
    this.directory = directory;
  }

  /** For a connection we open to a peer of {@code torrent}, the torrent {@code infoHash}. */
  public static HandshakeHandler outgoing(
      Admission admission, PeerId localId, Endpoint torrent, InfoHash infoHash) {
    return new HandshakeHandler(
        admission,
        localId,
        true,
        infoHash,
        h -> h.equals(infoHash) ? Optional.of(torrent) : Optional.empty());
  }

  /**
   * For a connection that only sends our handshake for {@code infoHash} and accepts no torrent in
   * return: the engine's start-up check of its own listening socket.
   */
  public static HandshakeHandler probe(Admission admission, PeerId localId, InfoHash infoHash) {
    return new HandshakeHandler(admission, localId, true, infoHash, h -> Optional.empty());
  }

  /** For a connection a peer opened to us: {@code directory} finds the torrent by info hash. */
  public static HandshakeHandler incoming(
      Admission admission, PeerId localId, Function<InfoHash, Optional<Endpoint>> directory) {
    return new HandshakeHandler(admission, localId, false, null, directory);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    timeout =
        ctx.executor()
            .schedule(
                () -> {
                  logAt(ctx).log("handshake timed out");
                  ctx.close();
                },
                admission.handshakeTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
    if (outgoing) {
      ctx.writeAndFlush(new Handshake(outgoingInfoHash, localId, true));
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Handshake handshake)) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    Optional<Endpoint> torrent = directory.apply(handshake.infoHash());
    if (torrent.isEmpty()) {
      LogKeys.peer(
              LogKeys.torrent(log.atDebug(), handshake.infoHash()), ctx.channel().remoteAddress())
          .log("closing the connection: unknown torrent");
      ctx.close();
      return;
    }
    if (handshake.peerId().equals(localId)) {
      logAt(ctx).log("closing the connection: connected to ourselves");
      ctx.close();
      return;
    }
    if (!outgoing) {
      ctx.writeAndFlush(new Handshake(handshake.infoHash(), localId, true));
    }
    if (timeout != null) {
      timeout.cancel(false);
    }
    // Both handshakes went through the encoder (writes from the event loop pass the pipeline at
    // once): it need not look at every later message.
    if (ctx.pipeline().get(HandshakeEncoder.class) != null) {
      ctx.pipeline().remove(HandshakeEncoder.class);
    }
    // BEP 6: the fast extension applies only when both sides set the bit; we always do.
    ctx.pipeline()
        .replace(
            this,
            "peer",
            new PeerChannelHandler(torrent.get(), handshake, outgoing, admission.bans()));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (timeout != null) {
      timeout.cancel(false);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    logAt(ctx).log("handshake failed: {}", cause.toString());
    ctx.close();
  }

  /** A debug event with the peer, and the torrent if we dialed for one. */
  private LoggingEventBuilder logAt(ChannelHandlerContext ctx) {
    LoggingEventBuilder event = log.atDebug();
    if (outgoingInfoHash != null) {
      LogKeys.torrent(event, outgoingInfoHash);
    }
    return LogKeys.peer(event, ctx.channel().remoteAddress());
  }
}
