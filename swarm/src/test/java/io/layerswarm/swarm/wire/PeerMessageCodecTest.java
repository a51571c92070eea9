package io.layerswarm.swarm.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.core.metainfo.PieceIndex;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PeerMessageCodecTest {
  @TempDir Path dir;

  static Stream<PeerMessage> messages() {
    return Stream.of(
        new PeerMessage.KeepAlive(),
        new PeerMessage.Choke(),
        new PeerMessage.Unchoke(),
        new PeerMessage.Interested(),
        new PeerMessage.NotInterested(),
        new PeerMessage.Have(new PieceIndex(7)),
        new PeerMessage.Bitfield(new byte[] {-1, 0x40}),
        new PeerMessage.Request(BlockRef.of(1, 16384, 16384)),
        new PeerMessage.Cancel(BlockRef.of(2, 0, 100)),
        new PeerMessage.Port(6881),
        new PeerMessage.SuggestPiece(new PieceIndex(3)),
        new PeerMessage.HaveAll(),
        new PeerMessage.HaveNone(),
        new PeerMessage.RejectRequest(BlockRef.of(4, 0, 16384)),
        new PeerMessage.AllowedFast(new PieceIndex(Integer.MAX_VALUE)),
        new PeerMessage.Extended(0, "d1:md1:xi1eee".getBytes(StandardCharsets.US_ASCII)),
        new PeerMessage.Extended(7, new byte[0]));
  }

  private static ByteBuf hex(String hex) {
    return Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex.replace(" ", "")));
  }

  @ParameterizedTest
  @MethodSource("messages")
  void everyMessageSurvivesEncodingAndDecoding(PeerMessage message) {
    EmbeddedChannel out = new EmbeddedChannel(PeerMessageEncoder.INSTANCE);
    EmbeddedChannel in = new EmbeddedChannel(new PeerMessageDecoder());

    out.writeOutbound(message);
    ByteBuf encoded = out.readOutbound();
    in.writeInbound(encoded);

    assertThat(in.<PeerMessage>readInbound()).isEqualTo(message);
    assertFalse(out.finishAndReleaseAll());
    assertFalse(in.finishAndReleaseAll());
  }

  @Test
  void requestsAreEncodedAsBep3Says() {
    EmbeddedChannel out = new EmbeddedChannel(PeerMessageEncoder.INSTANCE);
    out.writeOutbound(new PeerMessage.Request(BlockRef.of(1, 0x4000, 0x4000)));
    ByteBuf buf = out.readOutbound();

    assertThat(ByteBufUtil.hexDump(buf))
        .isEqualTo("0000000d06" + "00000001" + "00004000" + "00004000");
    buf.release();
    assertFalse(out.finishAndReleaseAll());
  }

  @Test
  void aPieceIsDecodedWithoutCopyingAndSplitReadsAreReassembled() {
    EmbeddedChannel in = new EmbeddedChannel(new PeerMessageDecoder());
    ByteBuf frame = hex("0000000c 07 00000002 00000010 616263");

    for (int i = 0; i < frame.readableBytes(); i++) {
      in.writeInbound(frame.retainedSlice(i, 1));
    }
    frame.release();

    PeerMessage.Piece piece = in.readInbound();
    assertThat(piece.block()).isEqualTo(BlockRef.of(2, 16, 3));
    assertThat(piece.data().toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
    piece.release();
    assertFalse(in.finishAndReleaseAll());
  }

  @Test
  void aFileBlockIsSentAsAHeaderAndAFileRegion() throws Exception {
    Path file = Files.write(dir.resolve("f"), "0123456789".getBytes(StandardCharsets.US_ASCII));
    EmbeddedChannel out = new EmbeddedChannel(PeerMessageEncoder.INSTANCE);
    FileRegion region = new DefaultFileRegion(new File(file.toString()), 2, 5);

    out.writeOutbound(new PeerMessage.FileBlock(BlockRef.of(0, 2, 5), region));

    ByteBuf header = out.readOutbound();
    assertThat(ByteBufUtil.hexDump(header)).isEqualTo("0000000e07" + "00000000" + "00000002");
    header.release();
    FileRegion sent = out.readOutbound();
    assertThat(sent.count()).isEqualTo(5);
    sent.release();
    assertFalse(out.finishAndReleaseAll());
  }

  @Test
  void aFrameLongerThanTheLimitIsRejectedBeforeItIsBuffered() {
    EmbeddedChannel in = new EmbeddedChannel(new PeerMessageDecoder(32 * 1024));

    assertThatThrownBy(() -> in.writeInbound(hex("00008001 07")))
        .isInstanceOf(TooLongFrameException.class);
    assertFalse(in.finishAndReleaseAll());
  }

  @Test
  void aHugeLengthPrefixIsRejected() {
    EmbeddedChannel in = new EmbeddedChannel(new PeerMessageDecoder());

    assertThatThrownBy(() -> in.writeInbound(hex("ffffffff"))).isInstanceOf(DecoderException.class);
    assertFalse(in.finishAndReleaseAll());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "00000002 00 00", // choke with a payload
        "00000004 04 000001", // have with 3 bytes
        "0000000d 06 80000000 00000000 00004000", // request for a negative index
        "0000000d 06 00000000 00000000 00000000", // request of zero bytes
        "0000000c 06 00000000 00000000 000040", // request with 11 bytes
        "00000009 07 00000000 00000000", // piece with no data
        "0000000d 10 00000000 ffffffff 00004000", // reject with a negative offset
        "00000002 0e 00" // have-all with a payload
      })
  void malformedMessagesAreRejected(String frame) {
    EmbeddedChannel in = new EmbeddedChannel(new PeerMessageDecoder());

    assertThatThrownBy(() -> in.writeInbound(hex(frame))).isInstanceOf(DecoderException.class);
    assertFalse(in.finishAndReleaseAll());
  }

  @Test
  void anExtendedMessageIsIdTwentyThenItsExtendedIdAsBep10Says() {
    EmbeddedChannel in = new EmbeddedChannel(new PeerMessageDecoder());

    in.writeInbound(hex("00000004 14 00 6465 00000001 14"));

    assertThat(in.<PeerMessage>readInbound())
        .isEqualTo(new PeerMessage.Extended(0, new byte[] {'d', 'e'}));
    // An extended message without its extended id says nothing: skipped, as an unknown message.
    assertThat(in.<PeerMessage>readInbound()).isEqualTo(new PeerMessage.Unknown(0x14, 0));
    assertFalse(in.finishAndReleaseAll());
  }

  @Test
  void anExtendedMessageLongerThanWeTakeIsSkippedWithoutBeingKept() {
    EmbeddedChannel in = new EmbeddedChannel(new PeerMessageDecoder());
    int payload = 1 + ExtendedHandshake.MAX_BYTES + 1;
    ByteBuf frame = Unpooled.buffer().writeInt(1 + payload).writeByte(PeerMessage.EXTENDED);
    frame.writeZero(payload);

    in.writeInbound(frame);

    assertThat(in.<PeerMessage>readInbound())
        .isEqualTo(new PeerMessage.Unknown(PeerMessage.EXTENDED, payload));
    assertFalse(in.finishAndReleaseAll());
  }

  @Test
  void unknownMessageIdsAreSkipped() {
    EmbeddedChannel in = new EmbeddedChannel(new PeerMessageDecoder());

    in.writeInbound(hex("00000003 15 6162 00000001 01"));

    assertThat(in.<PeerMessage>readInbound()).isEqualTo(new PeerMessage.Unknown(0x15, 2));
    assertThat(in.<PeerMessage>readInbound()).isEqualTo(new PeerMessage.Unchoke());
    assertFalse(in.finishAndReleaseAll());
  }

  @Test
  void aBitfieldMapsTheHighBitOfTheFirstByteToPieceZero() {
    BitSet pieces = new BitSet();
    pieces.set(0);
    pieces.set(9);
    PeerMessage.Bitfield bitfield = PeerMessage.Bitfield.of(pieces, 10);

    assertThat(bitfield.bits()).containsExactly(0x80, 0x40);
    assertThat(bitfield.toBitSet(10)).contains(pieces);
  }

  @Test
  void aBitfieldWithSpareBitsSetOrTheWrongLengthIsInvalid() {
    assertThat(new PeerMessage.Bitfield(new byte[] {0, 0x20}).toBitSet(10)).isEmpty();
    assertThat(new PeerMessage.Bitfield(new byte[] {0}).toBitSet(10)).isEmpty();
    assertThat(new PeerMessage.Bitfield(new byte[] {0, 0, 0}).toBitSet(10)).isEmpty();
  }

  @Test
  void theHandshakeRoundTripsAndTheBytesAfterItReachTheMessageDecoder() {
    InfoHash infoHash = new InfoHash(new byte[20]);
    PeerId peerId = PeerId.random();
    EmbeddedChannel out = new EmbeddedChannel(HandshakeEncoder.INSTANCE);
    out.writeOutbound(new Handshake(infoHash, peerId, true));
    ByteBuf handshake = out.readOutbound();
    assertThat(handshake.readableBytes()).isEqualTo(Handshake.LENGTH);
    assertThat(handshake.getByte(27)).isEqualTo((byte) 0x04);

    EmbeddedChannel in = new EmbeddedChannel(new HandshakeDecoder(), new PeerMessageDecoder());
    in.writeInbound(Unpooled.wrappedBuffer(handshake, hex("00000001 02")));

    assertThat(in.<Object>readInbound()).isEqualTo(new Handshake(infoHash, peerId, true));
    assertThat(in.<PeerMessage>readInbound()).isEqualTo(new PeerMessage.Interested());
    assertThat(in.pipeline().get(HandshakeDecoder.class)).isNull();
    assertFalse(out.finishAndReleaseAll());
    assertFalse(in.finishAndReleaseAll());
  }

  @Test
  void aConnectionThatDoesNotSpeakBitTorrentIsRejectedAtItsFirstByte() {
    EmbeddedChannel in = new EmbeddedChannel(new HandshakeDecoder());

    assertThatThrownBy(
            () ->
                in.writeInbound(
                    Unpooled.copiedBuffer("GET / HTTP/1.1\r\n", StandardCharsets.US_ASCII)))
        .isInstanceOf(CorruptedFrameException.class);
    assertFalse(in.finishAndReleaseAll());
  }

  @Test
  void aHandshakeWithoutTheFastBitSaysSo() {
    ByteBuf raw = Unpooled.buffer();
    raw.writeByte(19)
        .writeBytes("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII))
        .writeZero(8)
        .writeZero(20)
        .writeBytes(PeerId.random().bytes());
    EmbeddedChannel in = new EmbeddedChannel(new HandshakeDecoder());

    in.writeInbound(raw);

    Handshake handshake = in.readInbound();
    assertThat(handshake.fastExtension()).isFalse();
    assertFalse(in.finishAndReleaseAll());
    assertThat(List.of()).isEmpty();
  }
}
