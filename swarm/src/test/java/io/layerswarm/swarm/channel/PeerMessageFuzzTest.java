package io.layerswarm.swarm.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.core.metainfo.PieceIndex;
import io.layerswarm.swarm.wire.PeerMessage;
import io.layerswarm.swarm.wire.PeerMessageDecoder;
import io.layerswarm.testing.fuzz.FuzzTarget;
import io.layerswarm.testing.fuzz.Mutations;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzz target: the peer wire after the handshake, the message decoder and the peer behind it,
 * through the engine's whole pipeline on an embedded connection ({@link WireBed}), to a torrent
 * that seeds and to one that downloads (its store checks every piece). A valid handshake is
 * followed by a mutated stream of messages, cut into reads at random points, with at times one
 * frame whose length prefix is an edge value (0, the 256 KiB limit and one byte past it, 2^31, 2^32
 * - 1) and whose payload follows (in full up to the limit). Whatever comes, no exception leaves a
 * handler or the torrent, the decoder never holds more than one frame of at most the limit, a
 * stream the decoder refuses closes the connection, the handshake is answered, and the store holds
 * only the blob's bytes (a seed keeps every piece).
 */
class PeerMessageFuzzTest {
  private static final int MAX = PeerMessageDecoder.DEFAULT_MAX_MESSAGE_LENGTH;
  private static final int BLOCK = 16 * 1024;

  private static WireInputs wire;
  private static byte[] content;
  private static Metainfo metainfo;

  /**
   * One input: which torrent, the fast bit in the peer's handshake, the messages after it, a frame
   * with an edge length put {@code bigAt} bytes into them (if any), and the read sizes.
   */
  record Input(
      boolean seeding,
      boolean fast,
      byte[] messages,
      Optional<BigFrame> big,
      int bigAt,
      List<Integer> reads) {
    byte[] stream() {
      if (big.isEmpty()) {
        return messages;
      }
      int at = bigAt % (messages.length + 1);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(messages, 0, at);
      out.writeBytes(big.get().bytes());
      out.write(messages, at, messages.length - at);
      return out.toByteArray();
    }

    @Override
    public String toString() {
      return "Input[seeding="
          + seeding
          + ", fast="
          + fast
          + ", messages="
          + HexFormat.of().formatHex(messages)
          + ", big="
          + big
          + ", bigAt="
          + bigAt
          + ", reads="
          + reads
          + "]";
    }
  }

  /**
   * A frame of {@code length} (as an unsigned int) with {@code id}: its payload in full up to the
   * limit and a little beyond it; of a longer frame, 64 bytes (the decoder must refuse it by its
   * prefix).
   */
  record BigFrame(long length, int id) {
    byte[] bytes() {
      int payload =
          (int) (length > MAX + 16L ? 64 : length > MAX ? MAX + 64 : Math.max(0, length - 1));
      ByteBuffer frame = ByteBuffer.allocate(5 + payload);
      frame.putInt((int) length).put((byte) id);
      return frame.array();
    }
  }

  @BeforeContainer
  static void blob() throws Exception {
    wire = new WireInputs();
    content = wire.content;
    metainfo = wire.metainfo;
  }

  @AfterContainer
  static void removeBlob() throws Exception {
    wire.close();
  }

  @FuzzTarget
  void anyMessageStreamIsHandledOrClosesTheConnectionAndStoresNoWrongByte(
      @ForAll("inputs") Input input) {
    byte[] stream = input.stream();
    try (WireBed bed = new WireBed(wire, input.seeding(), Optional.empty())) {
      byte[] handshake = handshake(input.fast());
      for (byte[] read : Mutations.split(WireInputs.concat(handshake, stream), input.reads())) {
        bed.read(read);
        assertThat(bed.bufferedByMessageDecoder())
            .as("bytes the message decoder holds")
            .isLessThanOrEqualTo(4 + MAX);
      }
      bed.channel.checkException();

      byte[] sent = bed.sent();
      assertThat(Arrays.copyOfRange(sent, 0, 20))
          .as("the handshake's answer")
          .isEqualTo(Arrays.copyOfRange(handshake, 0, 20));
      assertThat(Arrays.copyOfRange(sent, 28, 48))
          .as("the answer's info hash")
          .isEqualTo(Arrays.copyOfRange(handshake, 28, 48));
      if (refusedByTheDecoder(stream)) {
        assertThat(bed.channel.isActive()).as("open after a frame the decoder refused").isFalse();
      }
      if (hasAFrameOverTheLimit(stream)) {
        assertThat(bed.channel.isActive()).as("open after a frame over the limit").isFalse();
      }
      assertThat(bed.storeHoldsOnlyTheBlob()).as("the store holds only the blob's bytes").isTrue();
      if (input.seeding()) {
        assertThat(bed.store.isComplete()).as("the seed keeps every piece").isTrue();
      }
    }
  }

  /** The harness works: the valid streams get the blob downloaded and uploaded. */
  @Example
  void theSeedStreamsDownloadAndUploadTheBlob() {
    try (WireBed leecher = new WireBed(wire, false, Optional.empty())) {
      leecher.read(WireInputs.concat(handshake(true), seeds().get(0)));
      assertThat(leecher.store.isComplete()).isTrue();
      assertThat(leecher.storeHoldsOnlyTheBlob()).isTrue();
    }
    try (WireBed seeder = new WireBed(wire, true, Optional.empty())) {
      seeder.read(WireInputs.concat(handshake(true), seeds().get(3)));
      assertThat(seeder.channel.isActive()).isTrue();
      assertThat(seeder.sent().length).as("bytes uploaded").isGreaterThan(2 * BLOCK);
    }
  }

  /** Whether a frame of {@code stream} has a length prefix over the limit. */
  private static boolean hasAFrameOverTheLimit(byte[] stream) {
    ByteBuffer frames = ByteBuffer.wrap(stream);
    while (frames.remaining() >= 4) {
      long length = Integer.toUnsignedLong(frames.getInt());
      if (length > MAX) {
        return true;
      }
      if (length > frames.remaining()) {
        return false;
      }
      frames.position(frames.position() + (int) length);
    }
    return false;
  }

  /** Whether the decoder, alone, throws on {@code stream}. */
  private static boolean refusedByTheDecoder(byte[] stream) {
    EmbeddedChannel decoder = new EmbeddedChannel(new PeerMessageDecoder());
    try {
      decoder.writeInbound(Unpooled.wrappedBuffer(stream));
      return false;
    } catch (DecoderException e) {
      return true;
    } finally {
      decoder.finishAndReleaseAll();
    }
  }

  private static byte[] handshake(boolean fast) {
    return wire.handshake(
        new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) (fast ? 0x04 : 0)}, PeerId.random());
  }

  /** The pieces' blocks, as a seed sends them. */
  private static List<PeerMessage> pieces() {
    List<PeerMessage> pieces = new ArrayList<>();
    var geometry = metainfo.geometry();
    for (int piece = 0; piece < geometry.pieceCount(); piece++) {
      for (int offset = 0; offset < geometry.pieceSize(piece); offset += BLOCK) {
        int length = Math.min(BLOCK, geometry.pieceSize(piece) - offset);
        int at = (int) geometry.pieceOffset(piece) + offset;
        pieces.add(
            new PeerMessage.Piece(
                new PieceIndex(piece), offset, Unpooled.wrappedBuffer(content, at, length)));
      }
    }
    return pieces;
  }

  /**
   * Valid message streams: a seed's answers to a downloader, a downloader's requests to a seed, and
   * the other messages of BEP 3 and BEP 6 (and an extension message, id 20).
   */
  private static List<byte[]> seeds() {
    List<PeerMessage> download = new ArrayList<>();
    download.add(new PeerMessage.HaveAll());
    download.add(new PeerMessage.Unchoke());
    download.addAll(pieces());
    List<PeerMessage> bitfield = new ArrayList<>();
    bitfield.add(new PeerMessage.Bitfield(new byte[] {(byte) 0xe0}));
    bitfield.add(new PeerMessage.Unchoke());
    bitfield.add(new PeerMessage.KeepAlive());
    bitfield.addAll(pieces().subList(0, 2));
    bitfield.add(new PeerMessage.Choke());
    bitfield.add(new PeerMessage.RejectRequest(BlockRef.of(1, 0, BLOCK)));
    return List.of(
        WireInputs.encode(download),
        WireInputs.encode(bitfield),
        WireInputs.encode(
            List.of(
                new PeerMessage.HaveNone(),
                new PeerMessage.AllowedFast(new PieceIndex(1)),
                new PeerMessage.SuggestPiece(new PieceIndex(2)),
                new PeerMessage.Have(new PieceIndex(0)),
                new PeerMessage.Port(6881),
                new PeerMessage.NotInterested())),
        WireInputs.encode(
            List.of(
                new PeerMessage.Bitfield(new byte[] {(byte) 0x80}),
                new PeerMessage.Interested(),
                new PeerMessage.Request(BlockRef.of(0, 0, BLOCK)),
                new PeerMessage.Request(BlockRef.of(0, BLOCK, BLOCK)),
                new PeerMessage.Request(BlockRef.of(2, 0, 80_000 - 2 * 32 * 1024)),
                new PeerMessage.Cancel(BlockRef.of(0, BLOCK, BLOCK)),
                new PeerMessage.Have(new PieceIndex(1)),
                new PeerMessage.Request(BlockRef.of(1, BLOCK, BLOCK)))),
        WireInputs.concat(
            HexFormat.of().parseHex("0000001a14"),
            "d1:md11:ut_metadatai1eee".getBytes(StandardCharsets.US_ASCII),
            WireInputs.encode(List.of(new PeerMessage.Interested()))));
  }

  @Provide
  Arbitrary<Input> inputs() {
    List<String> tokens =
        List.of(
            "00000000",
            "00000001",
            "00000005",
            "0000000d",
            "00000011",
            "0003ffff",
            "00040000",
            "00040001",
            "7fffffff",
            "80000000",
            "ffffffff",
            "00",
            "01",
            "02",
            "03",
            "04",
            "05",
            "06",
            "07",
            "08",
            "09",
            "0d",
            "0e",
            "0f",
            "10",
            "11",
            "14",
            "ff",
            "00004000",
            "00000003",
            "00000002");
    Arbitrary<byte[]> messages =
        Mutations.bytes(seeds(), tokens.stream().map(HexFormat.of()::parseHex).toList());
    Arbitrary<Long> edges =
        Arbitraries.oneOf(
            Arbitraries.of(
                0L,
                1L,
                MAX - 1L,
                (long) MAX,
                MAX + 1L,
                MAX + 2L,
                0x7fffffffL,
                0x80000000L,
                0xffffffffL),
            Arbitraries.longs().between(0, MAX + 16L));
    Arbitrary<Optional<BigFrame>> big =
        Combinators.combine(edges, Arbitraries.of(5, 6, 7, 20, 0xff))
            .as(BigFrame::new)
            .optional(0.2);
    return Combinators.combine(
            Arbitraries.of(true, false),
            Arbitraries.of(true, true, false),
            messages,
            big,
            Arbitraries.integers().greaterOrEqual(0),
            Mutations.reads())
        .as(Input::new);
  }
}
