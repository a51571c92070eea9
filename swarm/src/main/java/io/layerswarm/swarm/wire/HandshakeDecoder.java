package io.layerswarm.swarm.wire;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.PeerId;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Decodes the remote {@link Handshake} (BEP 3), then removes itself: the bytes that followed the
 * handshake in the same read go on to the next decoder ({@link ByteToMessageDecoder} hands its
 * leftover cumulation on when removed). Runs on the channel's event loop.
 */
public final class HandshakeDecoder extends ByteToMessageDecoder {
  static final byte[] PROTOCOL = Handshake.PROTOCOL.getBytes(StandardCharsets.US_ASCII);

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    // Check the protocol string as it arrives, so a client speaking something else is dropped
    // early.
    int available = Math.min(in.readableBytes(), 1 + PROTOCOL.length);
    for (int i = 0; i < available; i++) {
      int expected = i == 0 ? PROTOCOL.length : PROTOCOL[i - 1];
      if (in.getByte(in.readerIndex() + i) != expected) {
        in.skipBytes(in.readableBytes());
        throw new CorruptedFrameException("not a BitTorrent handshake");
      }
    }
    if (in.readableBytes() < Handshake.LENGTH) {
      return;
    }
    in.skipBytes(1 + PROTOCOL.length);
    byte[] reserved = new byte[8];
    in.readBytes(reserved);
    byte[] infoHash = new byte[InfoHash.LENGTH];
    in.readBytes(infoHash);
    byte[] peerId = new byte[PeerId.LENGTH];
    in.readBytes(peerId);
    boolean fast = (reserved[Handshake.FAST_EXTENSION_BYTE] & Handshake.FAST_EXTENSION_BIT) != 0;
    boolean member = (reserved[Handshake.MEMBER_BYTE] & Handshake.MEMBER_BIT) != 0;
    boolean extended = (reserved[Handshake.EXTENDED_BYTE] & Handshake.EXTENDED_BIT) != 0;
    out.add(new Handshake(new InfoHash(infoHash), new PeerId(peerId), fast, member, extended));
    ctx.pipeline().remove(this);
  }
}
