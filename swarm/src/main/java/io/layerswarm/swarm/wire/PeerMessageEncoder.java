package io.layerswarm.swarm.wire;

import io.layerswarm.core.metainfo.BlockRef;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.util.ReferenceCountUtil;
import java.util.List;

/**
 * Encodes {@link PeerMessage}s (BEP 3, BEP 6). Piece data is never copied: a {@link
 * PeerMessage.Piece} becomes a header buffer plus its data buffer, and a {@link
 * PeerMessage.FileBlock} becomes a header buffer plus its {@link io.netty.channel.FileRegion},
 * which the transport sends with sendfile. Stateless and sharable.
 */
@Sharable
public final class PeerMessageEncoder extends MessageToMessageEncoder<PeerMessage> {
  public static final PeerMessageEncoder INSTANCE = new PeerMessageEncoder();

  private PeerMessageEncoder() {
    super(PeerMessage.class);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, PeerMessage msg, List<Object> out) {
    ByteBuf buf = ctx.alloc().buffer(headerBytes(msg));
    Object payload = writeTo(buf, msg);
    out.add(buf);
    if (payload != null) {
      // The caller releases msg after encode; what goes on needs its own reference.
      out.add(ReferenceCountUtil.retain(payload));
    }
  }

  /**
   * Appends {@code msg} to {@code out} as it goes on the wire, all but a piece's data: that is
   * returned (the data's {@link ByteBuf} or the block's {@link io.netty.channel.FileRegion}, the
   * message's own reference), to be written right after {@code out}. Null for other messages. So a
   * flush's messages can share one buffer instead of passing the pipeline one by one.
   */
  public static Object writeTo(ByteBuf out, PeerMessage msg) {
    if (msg instanceof PeerMessage.FileBlock f) {
      BlockRef b = f.block();
      pieceHeader(out, b.piece().value(), b.offset(), b.length());
      return f.region();
    } else if (msg instanceof PeerMessage.Piece p) {
      pieceHeader(out, p.piece().value(), p.offset(), p.data().readableBytes());
      return p.data();
    } else if (msg instanceof PeerMessage.Request r) {
      writeBlock(out, PeerMessage.REQUEST, r.block());
    } else if (msg instanceof PeerMessage.Have h) {
      indexed(out, PeerMessage.HAVE, h.piece().value());
    } else if (msg instanceof PeerMessage.Cancel c) {
      writeBlock(out, PeerMessage.CANCEL, c.block());
    } else if (msg instanceof PeerMessage.RejectRequest r) {
      writeBlock(out, PeerMessage.REJECT_REQUEST, r.block());
    } else if (msg instanceof PeerMessage.Bitfield b) {
      byte[] bits = b.bits();
      out.writeInt(1 + bits.length).writeByte(PeerMessage.BITFIELD).writeBytes(bits);
    } else if (msg instanceof PeerMessage.KeepAlive) {
      out.writeInt(0);
    } else if (msg instanceof PeerMessage.Choke) {
      simple(out, PeerMessage.CHOKE);
    } else if (msg instanceof PeerMessage.Unchoke) {
      simple(out, PeerMessage.UNCHOKE);
    } else if (msg instanceof PeerMessage.Interested) {
      simple(out, PeerMessage.INTERESTED);
    } else if (msg instanceof PeerMessage.NotInterested) {
      simple(out, PeerMessage.NOT_INTERESTED);
    } else if (msg instanceof PeerMessage.HaveAll) {
      simple(out, PeerMessage.HAVE_ALL);
    } else if (msg instanceof PeerMessage.HaveNone) {
      simple(out, PeerMessage.HAVE_NONE);
    } else if (msg instanceof PeerMessage.SuggestPiece s) {
      indexed(out, PeerMessage.SUGGEST_PIECE, s.piece().value());
    } else if (msg instanceof PeerMessage.AllowedFast a) {
      indexed(out, PeerMessage.ALLOWED_FAST, a.piece().value());
    } else if (msg instanceof PeerMessage.Extended e) {
      byte[] payload = e.payload();
      out.writeInt(2 + payload.length)
          .writeByte(PeerMessage.EXTENDED)
          .writeByte(e.extendedId())
          .writeBytes(payload);
    } else if (msg instanceof PeerMessage.Port p) {
      out.writeInt(3).writeByte(PeerMessage.PORT).writeShort(p.port());
    } else {
      throw new IllegalArgumentException("cannot send " + msg);
    }
    return null;
  }

  /** Bytes {@link #writeTo} appends for {@code msg}: all of it but a piece's data. */
  public static int headerBytes(PeerMessage msg) {
    if (msg instanceof PeerMessage.FileBlock || msg instanceof PeerMessage.Piece) {
      return 13;
    } else if (msg instanceof PeerMessage.Request
        || msg instanceof PeerMessage.Cancel
        || msg instanceof PeerMessage.RejectRequest) {
      return BLOCK_MESSAGE_LENGTH;
    } else if (msg instanceof PeerMessage.Have
        || msg instanceof PeerMessage.SuggestPiece
        || msg instanceof PeerMessage.AllowedFast) {
      return 9;
    } else if (msg instanceof PeerMessage.Bitfield b) {
      return 5 + b.bits().length;
    } else if (msg instanceof PeerMessage.Extended e) {
      return 6 + e.payload().length;
    } else if (msg instanceof PeerMessage.Port) {
      return 7;
    } else if (msg instanceof PeerMessage.KeepAlive) {
      return 4;
    }
    return 5;
  }

  private static void simple(ByteBuf out, byte id) {
    out.writeInt(1).writeByte(id);
  }

  private static void indexed(ByteBuf out, byte id, int index) {
    out.writeInt(5).writeByte(id).writeInt(index);
  }

  /** Bytes of a request, cancel or reject message on the wire. */
  public static final int BLOCK_MESSAGE_LENGTH = 17;

  private static ByteBuf writeBlock(ByteBuf out, byte id, BlockRef block) {
    return out.writeInt(13)
        .writeByte(id)
        .writeInt(block.piece().value())
        .writeInt(block.offset())
        .writeInt(block.length());
  }

  private static void pieceHeader(ByteBuf out, int index, int offset, int length) {
    out.writeInt(9 + length).writeByte(PeerMessage.PIECE).writeInt(index).writeInt(offset);
  }
}
