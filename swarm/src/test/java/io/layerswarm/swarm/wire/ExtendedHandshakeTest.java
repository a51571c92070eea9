package io.layerswarm.swarm.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.core.topology.Location;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExtendedHandshakeTest {
  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void ourHandshakeIsABencodedDictWithAnEmptyMAndOurLabels() {
    PeerMessage.Extended ours = ExtendedHandshake.of(Location.of("eu-1a", "r12"));

    assertThat(ours.extendedId()).isZero();
    assertThat(new String(ours.payload(), StandardCharsets.US_ASCII))
        .isEqualTo("d7:ls_rack3:r127:ls_zone5:eu-1a1:mdee");
    assertThat(ExtendedHandshake.location(ours.payload())).isEqualTo(Location.of("eu-1a", "r12"));
  }

  @Test
  void anUnknownLocationSendsNoLabels() {
    byte[] payload = ExtendedHandshake.of(Location.UNKNOWN).payload();

    assertThat(new String(payload, StandardCharsets.US_ASCII)).isEqualTo("d1:mdee");
    assertThat(ExtendedHandshake.location(payload)).isEqualTo(Location.UNKNOWN);
  }

  @Test
  void lazyHaveIsSaidOnlyWhenAskedAndReadOnlyAsTheInteger1() {
    byte[] lazy = ExtendedHandshake.of(Location.UNKNOWN, true).payload();

    assertThat(new String(lazy, StandardCharsets.US_ASCII)).isEqualTo("d12:ls_lazy_havei1e1:mdee");
    assertThat(ExtendedHandshake.read(lazy).lazyHave()).isTrue();
    assertThat(ExtendedHandshake.read(ExtendedHandshake.of(Location.UNKNOWN).payload()).lazyHave())
        .as("a seed that offers pieces one by one, or an older engine")
        .isFalse();
    assertThat(ExtendedHandshake.read(ascii("d12:ls_lazy_havei0ee")).lazyHave()).isFalse();
    assertThat(ExtendedHandshake.read(ascii("d12:ls_lazy_have1:1e")).lazyHave()).isFalse();
  }

  @Test
  void unknownKeysOfOtherClientsAreIgnored() {
    byte[] libtorrentLike =
        Bencode.encode(
            Map.of(
                "m",
                Map.of("ut_metadata", 2L, "ut_pex", 1L),
                "v",
                "libtorrent 2.0",
                "reqq",
                500L,
                "ls_zone",
                "z2"));

    assertThat(ExtendedHandshake.location(libtorrentLike)).isEqualTo(Location.of("z2", null));
  }

  @Test
  void aBadLabelOrAPayloadThatIsNoDictSaysNothing() {
    assertThat(ExtendedHandshake.location(ascii("d7:ls_zone3:a|b7:ls_rack2:r1e")))
        .isEqualTo(Location.of(null, "r1"));
    assertThat(ExtendedHandshake.location(ascii("d7:ls_zonei5ee"))).isEqualTo(Location.UNKNOWN);
    assertThat(ExtendedHandshake.location(ascii("li1ee"))).isEqualTo(Location.UNKNOWN);
    assertThat(ExtendedHandshake.location(ascii("d7:ls_zone"))).isEqualTo(Location.UNKNOWN);
    assertThat(ExtendedHandshake.location(new byte[0])).isEqualTo(Location.UNKNOWN);
  }

  @Test
  void theExtensionBitIsBit20OfTheReservedBytesAndSurvivesTheCodec() {
    EmbeddedChannel out = new EmbeddedChannel(HandshakeEncoder.INSTANCE);
    EmbeddedChannel in = new EmbeddedChannel(new HandshakeDecoder());
    Handshake sent =
        new Handshake(new InfoHash(new byte[InfoHash.LENGTH]), PeerId.random(), true, false, true);

    out.writeOutbound(sent);
    ByteBuf encoded = out.readOutbound();
    // BEP 10: reserved_byte[5] & 0x10; BEP 6: reserved_byte[7] & 0x04.
    assertThat(encoded.getByte(20 + 5)).isEqualTo((byte) 0x10);
    assertThat(encoded.getByte(20 + 7)).isEqualTo((byte) 0x04);
    in.writeInbound(encoded);

    assertThat(in.<Handshake>readInbound()).isEqualTo(sent);
    assertThat(new Handshake(sent.infoHash(), sent.peerId(), true).extended()).isFalse();
    assertFalse(out.finishAndReleaseAll());
    assertFalse(in.finishAndReleaseAll());
  }

  @Test
  void aLabelOfTheLongestLengthStillFitsWellUnderTheLimit() {
    String longest = "x".repeat(Location.MAX_LABEL);
    byte[] payload = ExtendedHandshake.of(Location.of(longest, longest)).payload();

    assertThat(payload.length).isLessThan(ExtendedHandshake.MAX_BYTES / 10);
  }
}
