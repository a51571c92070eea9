package io.layerswarm.swarm.channel;

import io.layerswarm.core.auth.ClusterKey;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.swarm.log.LogKeys;
import io.layerswarm.swarm.wire.Handshake;
import io.layerswarm.swarm.wire.HandshakeEncoder;
import io.layerswarm.swarm.wire.MemberProof;
import io.layerswarm.swarm.wire.MemberProof.Role;
import io.netty.buffer.Unpooled;
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
 * Runs the BEP 3 handshake, and with a cluster key the membership proof after it ({@link
 * MemberProof}). On an outgoing connection it sends ours first and expects the same info hash back;
 * on an incoming one it routes the remote handshake's info hash to a torrent and answers, or closes
 * the connection for an unknown info hash. With a cluster key, an incoming handshake without the
 * membership bit is closed before anything is sent, and neither side attaches a peer until the
 * other's proof checks. A connection to ourselves, or one that does not finish in time, is closed.
 * Then it replaces itself with a {@link PeerChannelHandler}. Runs on the channel's event loop.
 */
public final class HandshakeHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(HandshakeHandler.class);

  private final Admission admission;
  private final PeerId localId;
  private final boolean outgoing;
  private final InfoHash outgoingInfoHash;
  private final Function<InfoHash, Optional<Endpoint>> directory;
  private final MemberProof.Nonce localNonce;
  private ScheduledFuture<?> timeout;

  // The membership exchange, as it goes.
  private Handshake remote;
  private Endpoint torrent;
  private MemberProof.Exchange exchange;

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
    this.localNonce = admission.peerKey().isPresent() ? MemberProof.nonce() : null;
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

  private boolean members() {
    return localNonce != null;
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
      sendHandshake(ctx, outgoingInfoHash);
    }
    ctx.fireChannelActive();
  }

  /** Our handshake, followed by our nonce if we are a member. */
  private void sendHandshake(ChannelHandlerContext ctx, InfoHash infoHash) {
    ctx.write(new Handshake(infoHash, localId, true, members(), admission.extensions()));
    if (members()) {
      ctx.write(Unpooled.wrappedBuffer(localNonce.bytes()));
    }
    ctx.flush();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Handshake handshake && remote == null) {
      onHandshake(ctx, handshake);
    } else if (msg instanceof MemberProof.Nonce nonce && remote != null && exchange == null) {
      onNonce(ctx, nonce);
    } else if (msg instanceof MemberProof.Proof proof && exchange != null) {
      onProof(ctx, proof);
    } else {
      ReferenceCountUtil.release(msg);
      ctx.close();
    }
  }

  private void onHandshake(ChannelHandlerContext ctx, Handshake handshake) {
    if (members() && !handshake.member()) {
      logAt(ctx).log("closing the connection: not a cluster member (no membership bit)");
      ctx.close();
      return;
    }
    Optional<Endpoint> found = directory.apply(handshake.infoHash());
    if (found.isEmpty()) {
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
    remote = handshake;
    torrent = found.get();
    if (members()) {
      return; // The peer's nonce comes next.
    }
    if (!outgoing) {
      sendHandshake(ctx, handshake.infoHash());
    }
    attach(ctx);
  }

  private void onNonce(ChannelHandlerContext ctx, MemberProof.Nonce nonce) {
    PeerId dialer = outgoing ? localId : remote.peerId();
    PeerId accepter = outgoing ? remote.peerId() : localId;
    MemberProof.Nonce dialerNonce = outgoing ? localNonce : nonce;
    MemberProof.Nonce accepterNonce = outgoing ? nonce : localNonce;
    exchange =
        new MemberProof.Exchange(
            remote.infoHash(), dialer, accepter, dialerNonce.bytes(), accepterNonce.bytes());
    if (outgoing) {
      sendProof(ctx, Role.DIALER);
    } else {
      sendHandshake(ctx, remote.infoHash());
    }
  }

  private void onProof(ChannelHandlerContext ctx, MemberProof.Proof proof) {
    ClusterKey key = admission.peerKey().orElseThrow();
    Role theirs = outgoing ? Role.ACCEPTER : Role.DIALER;
    if (!MemberProof.verify(key, theirs, exchange, proof)) {
      logAt(ctx)
          .log("closing the connection: its membership proof does not check (another secret)");
      ctx.close();
      return;
    }
    if (!outgoing) {
      sendProof(ctx, Role.ACCEPTER);
    }
    attach(ctx);
  }

  private void sendProof(ChannelHandlerContext ctx, Role role) {
    MemberProof.Proof proof = MemberProof.proof(admission.peerKey().orElseThrow(), role, exchange);
    ctx.writeAndFlush(Unpooled.wrappedBuffer(proof.mac()));
  }

  /** The handshake is done: the connection's messages go to a peer of the torrent from now on. */
  private void attach(ChannelHandlerContext ctx) {
    if (timeout != null) {
      timeout.cancel(false);
    }
    // Both handshakes went through the encoder (writes from the event loop pass the pipeline at
    // once): it need not look at every later message.
    if (ctx.pipeline().get(HandshakeEncoder.class) != null) {
      ctx.pipeline().remove(HandshakeEncoder.class);
    }
    // BEP 6: the fast extension applies only when both sides set the bit; we always do. BEP 10
    // likewise, and we set ours only with a location: the peer's handler gets what both agreed.
    Handshake agreed =
        new Handshake(
            remote.infoHash(),
            remote.peerId(),
            remote.fastExtension(),
            remote.member(),
            remote.extended() && admission.extensions());
    ctx.pipeline()
        .replace(this, "peer", new PeerChannelHandler(torrent, agreed, outgoing, admission.bans()));
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
    } else if (remote != null) {
      LogKeys.torrent(event, remote.infoHash());
    }
    return LogKeys.peer(event, ctx.channel().remoteAddress());
  }
}
