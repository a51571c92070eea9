package io.layerswarm.swarm.channel;

import io.layerswarm.swarm.wire.HandshakeDecoder;
import io.layerswarm.swarm.wire.HandshakeEncoder;
import io.layerswarm.swarm.wire.MemberFrameDecoder;
import io.layerswarm.swarm.wire.PeerMessageDecoder;
import io.layerswarm.swarm.wire.PeerMessageEncoder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Builds the pipeline of a peer connection, the only place that does:
 *
 * <pre>
 * [traffic shaper] idle  read-gate  handshake-decoder  [member-decoder]  message-decoder
 *                  handshake-encoder  message-encoder  keep-alive  handshake
 *                  (replaced by "peer" after the handshake)
 * </pre>
 *
 * The handshake decoder and encoder leave once the handshakes are exchanged, the member decoder
 * (with a cluster key only) once the membership proof is read. The read gate stops reading while
 * the peer does not read or its messages wait for the torrent ({@link ReadGate}). The idle handler
 * watches reads only: watching writes would cost a promise and a listener per message sent, so
 * {@link io.layerswarm.swarm.peer.Peer#tick} sends the keep-alives instead.
 */
public final class PeerChannelInitializer extends ChannelInitializer<Channel> {
  /** Close after this long without reading (peers send keep-alives every two minutes). */
  static final Duration READ_IDLE = Duration.ofSeconds(180);

  private final ChannelHandler shaper;
  private final boolean membersOnly;
  private final Supplier<HandshakeHandler> handshake;
  private final Predicate<Channel> admit;

  /**
   * @param shaper a shared traffic shaper, or null for no rate limit
   * @param admission whether peers prove membership after the handshake
   * @param handshake makes the handshake handler for each new channel
   * @param admit decides whether a new channel may stay open (connection caps); a refused one is
   *     closed at once
   */
  public PeerChannelInitializer(
      ChannelHandler shaper,
      Admission admission,
      Supplier<HandshakeHandler> handshake,
      Predicate<Channel> admit) {
    this.shaper = shaper;
    this.membersOnly = admission.membersOnly();
    this.handshake = handshake;
    this.admit = admit;
  }

  @Override
  protected void initChannel(Channel ch) {
    if (!admit.test(ch)) {
      ch.close();
      return;
    }
    ChannelPipeline p = ch.pipeline();
    if (shaper != null) {
      p.addLast("shaper", shaper);
    }
    p.addLast("idle", new IdleStateHandler(READ_IDLE.toSeconds(), 0, 0, TimeUnit.SECONDS));
    p.addLast("read-gate", new ReadGate());
    p.addLast("handshake-decoder", new HandshakeDecoder());
    if (membersOnly) {
      p.addLast("member-decoder", new MemberFrameDecoder());
    }
    p.addLast("message-decoder", new PeerMessageDecoder());
    p.addLast("handshake-encoder", HandshakeEncoder.INSTANCE);
    p.addLast("message-encoder", PeerMessageEncoder.INSTANCE);
    p.addLast("keep-alive", KeepAliveHandler.INSTANCE);
    p.addLast("handshake", handshake.get());
  }
}
