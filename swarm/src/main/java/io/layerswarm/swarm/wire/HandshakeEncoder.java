package io.layerswarm.swarm.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Encodes our {@link Handshake} (BEP 3; BEP 6 fast bit; BEP 10 extension bit; the membership bit).
 * Stateless and sharable.
 */
@Sharable
public final class HandshakeEncoder extends MessageToByteEncoder<Handshake> {
  public static final HandshakeEncoder INSTANCE = new HandshakeEncoder();

  private HandshakeEncoder() {
    super(Handshake.class);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Handshake msg, ByteBuf out) {
    out.ensureWritable(Handshake.LENGTH);
    out.writeByte(HandshakeDecoder.PROTOCOL.length);
    out.writeBytes(HandshakeDecoder.PROTOCOL);
    byte[] reserved = new byte[8];
    if (msg.fastExtension()) {
      reserved[Handshake.FAST_EXTENSION_BYTE] |= Handshake.FAST_EXTENSION_BIT;
    }
    if (msg.member()) {
      reserved[Handshake.MEMBER_BYTE] |= Handshake.MEMBER_BIT;
    }
    if (msg.extended()) {
      reserved[Handshake.EXTENDED_BYTE] |= Handshake.EXTENDED_BIT;
    }
    out.writeBytes(reserved);
    out.writeBytes(msg.infoHash().bytes());
    out.writeBytes(msg.peerId().bytes());
  }
}
