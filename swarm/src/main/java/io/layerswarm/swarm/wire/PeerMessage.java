package io.layerswarm.swarm.wire;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.PieceIndex;
import io.netty.buffer.ByteBuf;
import io.netty.channel.FileRegion;
import io.netty.util.ReferenceCounted;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Objects;

/**
 * A peer wire message after the handshake (BEP 3), including the fast extension (BEP 6). On the
 * wire each is {@code <length:u32><id:u8><payload>}; a zero length is a keep-alive.
 *
 * <p>{@link Piece} and {@link FileBlock} hold reference-counted data: whoever receives one owns one
 * reference and must release it (writing it to a channel does).
 */
public sealed interface PeerMessage {
  /** Message ids (BEP 3 section "peer messages", BEP 6 "new messages"). */
  byte CHOKE = 0;

  byte UNCHOKE = 1;
  byte INTERESTED = 2;
  byte NOT_INTERESTED = 3;
  byte HAVE = 4;
  byte BITFIELD = 5;
  byte REQUEST = 6;
  byte PIECE = 7;
  byte CANCEL = 8;
  byte PORT = 9;
  byte SUGGEST_PIECE = 0x0D;
  byte HAVE_ALL = 0x0E;
  byte HAVE_NONE = 0x0F;
  byte REJECT_REQUEST = 0x10;
  byte ALLOWED_FAST = 0x11;

  /** The extension protocol's one message id (BEP 10). */
  byte EXTENDED = 20;

  /** Whether this message is only legal when both peers set the fast extension bit (BEP 6). */
  default boolean needsFastExtension() {
    return false;
  }

  /** Zero-length message that keeps the connection open. */
  record KeepAlive() implements PeerMessage {}

  record Choke() implements PeerMessage {}

  record Unchoke() implements PeerMessage {}

  record Interested() implements PeerMessage {}

  record NotInterested() implements PeerMessage {}

  record Have(PieceIndex piece) implements PeerMessage {
    public Have {
      Objects.requireNonNull(piece, "piece");
    }
  }

  /**
   * The pieces a peer holds, as sent on the wire: the high bit of the first byte is piece 0, and
   * spare bits at the end must be zero.
   */
  record Bitfield(byte[] bits) implements PeerMessage {
    public Bitfield {
      bits = bits.clone();
    }

    @Override
    public byte[] bits() {
      return bits.clone();
    }

    /** Builds the wire form of {@code pieces} for a torrent of {@code pieceCount} pieces. */
    public static Bitfield of(BitSet pieces, int pieceCount) {
      byte[] bits = new byte[(pieceCount + 7) / 8];
      for (int i = pieces.nextSetBit(0); i >= 0 && i < pieceCount; i = pieces.nextSetBit(i + 1)) {
        bits[i >>> 3] |= (byte) (0x80 >>> (i & 7));
      }
      return new Bitfield(bits);
    }

    /**
     * The pieces as a BitSet; empty if the length is wrong for {@code pieceCount} or a spare bit is
     * set (BEP 3: such peers should be dropped).
     */
    public java.util.Optional<BitSet> toBitSet(int pieceCount) {
      if (bits.length != (pieceCount + 7) / 8) {
        return java.util.Optional.empty();
      }
      BitSet set = new BitSet(pieceCount);
      for (int i = 0; i < bits.length * 8; i++) {
        if ((bits[i >>> 3] & (0x80 >>> (i & 7))) != 0) {
          if (i >= pieceCount) {
            return java.util.Optional.empty();
          }
          set.set(i);
        }
      }
      return java.util.Optional.of(set);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bitfield other && Arrays.equals(bits, other.bits);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bits);
    }

    @Override
    public String toString() {
      return "Bitfield[" + bits.length + " bytes]";
    }
  }

  record Request(BlockRef block) implements PeerMessage {
    public Request {
      Objects.requireNonNull(block, "block");
    }
  }

  /**
   * A block of data received from a peer. Owns one reference to {@code data}; {@link #release()}
   * releases it.
   */
  record Piece(PieceIndex piece, int offset, ByteBuf data)
      implements PeerMessage, ReferenceCounted {
    public Piece {
      Objects.requireNonNull(piece, "piece");
      Objects.requireNonNull(data, "data");
      if (offset < 0) {
        throw new IllegalArgumentException("piece offset must be >= 0: " + offset);
      }
    }

    /** The block this data fills; throws if the data is empty. */
    public BlockRef block() {
      return new BlockRef(piece, offset, data.readableBytes());
    }

    @Override
    public int refCnt() {
      return data.refCnt();
    }

    @Override
    public Piece retain() {
      data.retain();
      return this;
    }

    @Override
    public Piece retain(int increment) {
      data.retain(increment);
      return this;
    }

    @Override
    public Piece touch() {
      data.touch();
      return this;
    }

    @Override
    public Piece touch(Object hint) {
      data.touch(hint);
      return this;
    }

    @Override
    public boolean release() {
      return data.release();
    }

    @Override
    public boolean release(int decrement) {
      return data.release(decrement);
    }

    @Override
    public String toString() {
      return "Piece[" + piece + "@" + offset + "+" + data.readableBytes() + "]";
    }
  }

  /**
   * An outgoing piece message whose data is sent zero-copy from a file. Owns one reference to
   * {@code region}, whose {@code count()} must equal {@code block.length()}.
   */
  record FileBlock(BlockRef block, FileRegion region) implements PeerMessage, ReferenceCounted {
    public FileBlock {
      Objects.requireNonNull(block, "block");
      Objects.requireNonNull(region, "region");
      if (region.count() != block.length()) {
        throw new IllegalArgumentException("region of " + region.count() + " bytes for " + block);
      }
    }

    @Override
    public int refCnt() {
      return region.refCnt();
    }

    @Override
    public FileBlock retain() {
      region.retain();
      return this;
    }

    @Override
    public FileBlock retain(int increment) {
      region.retain(increment);
      return this;
    }

    @Override
    public FileBlock touch() {
      region.touch();
      return this;
    }

    @Override
    public FileBlock touch(Object hint) {
      region.touch(hint);
      return this;
    }

    @Override
    public boolean release() {
      return region.release();
    }

    @Override
    public boolean release(int decrement) {
      return region.release(decrement);
    }
  }

  record Cancel(BlockRef block) implements PeerMessage {
    public Cancel {
      Objects.requireNonNull(block, "block");
    }
  }

  /** DHT port (BEP 5). Our torrents are private, so it is decoded and ignored. */
  record Port(int port) implements PeerMessage {}

  record SuggestPiece(PieceIndex piece) implements PeerMessage {
    @Override
    public boolean needsFastExtension() {
      return true;
    }
  }

  record HaveAll() implements PeerMessage {
    @Override
    public boolean needsFastExtension() {
      return true;
    }
  }

  record HaveNone() implements PeerMessage {
    @Override
    public boolean needsFastExtension() {
      return true;
    }
  }

  record RejectRequest(BlockRef block) implements PeerMessage {
    @Override
    public boolean needsFastExtension() {
      return true;
    }
  }

  record AllowedFast(PieceIndex piece) implements PeerMessage {
    @Override
    public boolean needsFastExtension() {
      return true;
    }
  }

  /**
   * An extension protocol message (BEP 10): {@code <20><extended id><payload>}. Extended id 0 is
   * the extended handshake ({@link ExtendedHandshake}); we announce no other extension, so a peer
   * sends us no other id. The payload is at most {@link ExtendedHandshake#MAX_BYTES}: a longer one
   * is skipped by the decoder and arrives as {@link Unknown}.
   */
  record Extended(int extendedId, byte[] payload) implements PeerMessage {
    public Extended {
      if (extendedId < 0 || extendedId > 255) {
        throw new IllegalArgumentException("extended id must be 0..255: " + extendedId);
      }
      payload = payload.clone();
    }

    @Override
    public byte[] payload() {
      return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Extended e
          && extendedId == e.extendedId
          && Arrays.equals(payload, e.payload);
    }

    @Override
    public int hashCode() {
      return extendedId * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
      return "Extended[" + extendedId + ", " + payload.length + " bytes]";
    }
  }

  /** A message id we do not know; its payload was skipped. BEP 3 peers ignore these. */
  record Unknown(int id, int length) implements PeerMessage {}
}
