package io.layerswarm.swarm.wire;

import io.layerswarm.core.metainfo.BlockRef;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
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
    if (msg instanceof PeerMessage.Piece p) {
      out.add(pieceHeader(ctx, p.piece().value(), p.offset(), p.data().readableBytes()));
      out.add(p.data().retain());
    } else if (msg instanceof PeerMessage.FileBlock f) {
      BlockRef b = f.block();
      out.add(pieceHeader(ctx, b.piece().value(), b.offset(), b.length()));
      out.add(f.region().retain());
    } else if (msg instanceof PeerMessage.Request r) {
      out.add(block(ctx, PeerMessage.REQUEST, r.block()));
    } else if (msg instanceof PeerMessage.Have h) {
      out.add(indexed(ctx, PeerMessage.HAVE, h.piece().value()));
    } else if (msg instanceof PeerMessage.Cancel c) {
      out.add(block(ctx, PeerMessage.CANCEL, c.block()));
    } else if (msg instanceof PeerMessage.RejectRequest r) {
      out.add(block(ctx, PeerMessage.REJECT_REQUEST, r.block()));
    } else if (msg instanceof PeerMessage.Bitfield b) {
      byte[] bits = b.bits();
      out.add(
          ctx.alloc()
              .buffer(5 + bits.length)
              .writeInt(1 + bits.length)
              .writeByte(PeerMessage.BITFIELD)
              .writeBytes(bits));
    } else if (msg instanceof PeerMessage.KeepAlive) {
      out.add(ctx.alloc().buffer(4).writeInt(0));
    } else if (msg instanceof PeerMessage.Choke) {
      out.add(simple(ctx, PeerMessage.CHOKE));
    } else if (msg instanceof PeerMessage.Unchoke) {
      out.add(simple(ctx, PeerMessage.UNCHOKE));
    } else if (msg instanceof PeerMessage.Interested) {
      out.add(simple(ctx, PeerMessage.INTERESTED));
    } else if (msg instanceof PeerMessage.NotInterested) {
      out.add(simple(ctx, PeerMessage.NOT_INTERESTED));
    } else if (msg instanceof PeerMessage.HaveAll) {
      out.add(simple(ctx, PeerMessage.HAVE_ALL));
    } else if (msg instanceof PeerMessage.HaveNone) {
      out.add(simple(ctx, PeerMessage.HAVE_NONE));
    } else if (msg instanceof PeerMessage.SuggestPiece s) {
      out.add(indexed(ctx, PeerMessage.SUGGEST_PIECE, s.piece().value()));
    } else if (msg instanceof PeerMessage.AllowedFast a) {
      out.add(indexed(ctx, PeerMessage.ALLOWED_FAST, a.piece().value()));
    } else if (msg instanceof PeerMessage.Extended e) {
      byte[] payload = e.payload();
      out.add(
          ctx.alloc()
              .buffer(6 + payload.length)
              .writeInt(2 + payload.length)
              .writeByte(PeerMessage.EXTENDED)
              .writeByte(e.extendedId())
              .writeBytes(payload));
    } else if (msg instanceof PeerMessage.Port p) {
      out.add(ctx.alloc().buffer(7).writeInt(3).writeByte(PeerMessage.PORT).writeShort(p.port()));
    } else {
      throw new IllegalArgumentException("cannot send " + msg);
    }
  }

  private static ByteBuf simple(ChannelHandlerContext ctx, byte id) {
    return ctx.alloc().buffer(5).writeInt(1).writeByte(id);
  }

  private static ByteBuf indexed(ChannelHandlerContext ctx, byte id, int index) {
    return ctx.alloc().buffer(9).writeInt(5).writeByte(id).writeInt(index);
  }

  private static ByteBuf block(ChannelHandlerContext ctx, byte id, BlockRef block) {
    return writeBlock(ctx.alloc().buffer(BLOCK_MESSAGE_LENGTH), id, block);
  }

  /** Bytes of a request, cancel or reject message on the wire. */
  public static final int BLOCK_MESSAGE_LENGTH = 17;

  /**
   * Appends a request message for {@code block} to {@code out}, as {@link #encode} would, so that a
   * batch of requests can go out as one buffer.
   */
  public static ByteBuf writeRequest(ByteBuf out, BlockRef block) {
    return writeBlock(out, PeerMessage.REQUEST, block);
  }

  private static ByteBuf writeBlock(ByteBuf out, byte id, BlockRef block) {
    return out.writeInt(13)
        .writeByte(id)
        .writeInt(block.piece().value())
        .writeInt(block.offset())
        .writeInt(block.length());
  }

  private static ByteBuf pieceHeader(ChannelHandlerContext ctx, int index, int offset, int length) {
    return ctx.alloc()
        .buffer(13)
        .writeInt(9 + length)
        .writeByte(PeerMessage.PIECE)
        .writeInt(index)
        .writeInt(offset);
  }
}
