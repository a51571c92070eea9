package io.layerswarm.swarm.wire;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.PieceIndex;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * Splits the stream after the handshake into length-prefixed messages and decodes each into a
 * {@link PeerMessage} (BEP 3, BEP 6). A frame longer than {@code maxMessageLength}, a payload of
 * the wrong size for its id, or an index that does not fit a signed int throws a {@link
 * io.netty.handler.codec.DecoderException}, which closes that connection only.
 *
 * <p>{@link PeerMessage.Piece} data is a retained slice of the read buffers (no copy); the receiver
 * releases it, best at once (the engine copies blocks into piece memory as soon as they arrive).
 * Reads are gathered without copying (a composite of the read buffers, whose fully read parts are
 * released after every read), because most reads end in the middle of a 16 KiB block: merging them
 * would copy every byte once more. Runs on the channel's event loop.
 */
public final class PeerMessageDecoder extends ByteToMessageDecoder {
  /** Default limit: a 128 KiB block plus header, and bitfields for up to 2 million pieces. */
  public static final int DEFAULT_MAX_MESSAGE_LENGTH = 256 * 1024;

  private final int maxMessageLength;
  private boolean failed;

  public PeerMessageDecoder() {
    this(DEFAULT_MAX_MESSAGE_LENGTH);
  }

  /**
   * @param maxMessageLength largest accepted {@code <length>} prefix, in bytes
   */
  public PeerMessageDecoder(int maxMessageLength) {
    if (maxMessageLength < 1 + 8 + 16 * 1024) {
      throw new IllegalArgumentException("max message length too small: " + maxMessageLength);
    }
    this.maxMessageLength = maxMessageLength;
    setCumulator(COMPOSITE_CUMULATOR);
    setDiscardAfterReads(1);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    try {
      decodeOne(in, out);
    } catch (RuntimeException e) {
      // The stream is out of step: drop everything after the bad frame; the connection closes.
      failed = true;
      in.skipBytes(in.readableBytes());
      throw e;
    }
  }

  private void decodeOne(ByteBuf in, List<Object> out) {
    if (in.readableBytes() < 4) {
      return;
    }
    long length = in.getUnsignedInt(in.readerIndex());
    if (length > maxMessageLength) {
      throw new TooLongFrameException(
          "peer message of " + length + " bytes exceeds " + maxMessageLength);
    }
    if (in.readableBytes() < 4 + length) {
      return;
    }
    in.skipBytes(4);
    if (length == 0) {
      out.add(new PeerMessage.KeepAlive());
      return;
    }
    int id = in.readUnsignedByte();
    int payload = (int) length - 1;
    int end = in.readerIndex() + payload;
    switch (id) {
      case PeerMessage.CHOKE -> out.add(empty(payload, id, new PeerMessage.Choke()));
      case PeerMessage.UNCHOKE -> out.add(empty(payload, id, new PeerMessage.Unchoke()));
      case PeerMessage.INTERESTED -> out.add(empty(payload, id, new PeerMessage.Interested()));
      case PeerMessage.NOT_INTERESTED ->
          out.add(empty(payload, id, new PeerMessage.NotInterested()));
      case PeerMessage.HAVE -> {
        expect(payload, 4, id);
        out.add(new PeerMessage.Have(index(in)));
      }
      case PeerMessage.BITFIELD -> {
        byte[] bits = new byte[payload];
        in.readBytes(bits);
        out.add(new PeerMessage.Bitfield(bits));
      }
      case PeerMessage.REQUEST -> {
        expect(payload, 12, id);
        out.add(new PeerMessage.Request(block(in)));
      }
      case PeerMessage.PIECE -> {
        if (payload <= 8) {
          throw new CorruptedFrameException("piece message with " + payload + " byte payload");
        }
        PieceIndex piece = index(in);
        int offset = nonNegative(in.readInt(), "piece offset");
        out.add(new PeerMessage.Piece(piece, offset, in.readRetainedSlice(payload - 8)));
      }
      case PeerMessage.CANCEL -> {
        expect(payload, 12, id);
        out.add(new PeerMessage.Cancel(block(in)));
      }
      case PeerMessage.PORT -> {
        expect(payload, 2, id);
        out.add(new PeerMessage.Port(in.readUnsignedShort()));
      }
      case PeerMessage.SUGGEST_PIECE -> {
        expect(payload, 4, id);
        out.add(new PeerMessage.SuggestPiece(index(in)));
      }
      case PeerMessage.HAVE_ALL -> out.add(empty(payload, id, new PeerMessage.HaveAll()));
      case PeerMessage.HAVE_NONE -> out.add(empty(payload, id, new PeerMessage.HaveNone()));
      case PeerMessage.REJECT_REQUEST -> {
        expect(payload, 12, id);
        out.add(new PeerMessage.RejectRequest(block(in)));
      }
      case PeerMessage.ALLOWED_FAST -> {
        expect(payload, 4, id);
        out.add(new PeerMessage.AllowedFast(index(in)));
      }
      case PeerMessage.EXTENDED -> {
        if (payload < 1 || payload - 1 > ExtendedHandshake.MAX_BYTES) {
          in.skipBytes(payload); // empty, or longer than any extended message we take
          out.add(new PeerMessage.Unknown(id, payload));
        } else {
          int extendedId = in.readUnsignedByte();
          byte[] body = new byte[payload - 1];
          in.readBytes(body);
          out.add(new PeerMessage.Extended(extendedId, body));
        }
      }
      default -> {
        in.skipBytes(payload);
        out.add(new PeerMessage.Unknown(id, payload));
      }
    }
    if (in.readerIndex() != end) {
      throw new IllegalStateException("decoder consumed the wrong number of bytes for id " + id);
    }
  }

  private static PeerMessage empty(int payload, int id, PeerMessage message) {
    expect(payload, 0, id);
    return message;
  }

  private static void expect(int payload, int expected, int id) {
    if (payload != expected) {
      throw new CorruptedFrameException(
          "message id " + id + " has a " + payload + " byte payload, expected " + expected);
    }
  }

  private static PieceIndex index(ByteBuf in) {
    return new PieceIndex(nonNegative(in.readInt(), "piece index"));
  }

  private static BlockRef block(ByteBuf in) {
    PieceIndex piece = index(in);
    int offset = nonNegative(in.readInt(), "block offset");
    int length = in.readInt();
    if (length <= 0) {
      throw new CorruptedFrameException("block length " + Integer.toUnsignedString(length));
    }
    return new BlockRef(piece, offset, length);
  }

  private static int nonNegative(int value, String what) {
    if (value < 0) {
      throw new CorruptedFrameException(
          what + " " + Integer.toUnsignedString(value) + " is out of range");
    }
    return value;
  }
}
