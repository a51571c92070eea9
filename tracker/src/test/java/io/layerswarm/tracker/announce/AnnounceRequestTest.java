package io.layerswarm.tracker.announce;

import static io.layerswarm.tracker.testing.Urls.clientEncode;
import static io.layerswarm.tracker.testing.Urls.percentEncode;
import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.tracker.peerstore.AnnounceEvent;
import io.layerswarm.tracker.peerstore.PeerAddress;
import io.layerswarm.tracker.peerstore.Topology;
import io.layerswarm.tracker.testing.Peers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnnounceRequestTest {
  /** Every byte value class: NUL, ASCII, '%', '&', '+', '=', and high bytes that UTF-8 rejects. */
  private static final byte[] HASH = {
    0x00,
    0x01,
    'a',
    'Z',
    '%',
    '&',
    '+',
    '=',
    ' ',
    (byte) 0x7f,
    (byte) 0x80,
    (byte) 0xc3,
    (byte) 0xa9,
    (byte) 0xfe,
    (byte) 0xff,
    '/',
    '?',
    '#',
    0x10,
    0x20
  };

  private static final byte[] PEER = "-LS0100-123456789012".getBytes(StandardCharsets.US_ASCII);

  private static String base() {
    return "info_hash="
        + percentEncode(HASH)
        + "&peer_id="
        + clientEncode(PEER)
        + "&port=6881&uploaded=0&downloaded=0&left=1000";
  }

  private static AnnounceRequest valid(String query) {
    Parsed<AnnounceRequest> parsed = AnnounceRequest.parse(query);
    assertThat(parsed).isInstanceOf(Parsed.Valid.class);
    return ((Parsed.Valid<AnnounceRequest>) parsed).value();
  }

  private static Parsed.Invalid<AnnounceRequest> invalid(String query) {
    Parsed<AnnounceRequest> parsed = AnnounceRequest.parse(query);
    assertThat(parsed).isInstanceOf(Parsed.Invalid.class);
    return (Parsed.Invalid<AnnounceRequest>) parsed;
  }

  @Test
  void percentEncodedInfoHashDecodesToTheRawBytesNotUtf8() {
    AnnounceRequest request = valid(base());

    assertThat(request.infoHash()).isEqualTo(new InfoHash(HASH));
    assertThat(request.peerId()).isEqualTo(new PeerId(PEER));
  }

  @Test
  void unescapedCharactersAndLowercaseEscapesAreAcceptedAsClientsSendThem() {
    byte[] hash = "abcdefghij0123456789".getBytes(StandardCharsets.US_ASCII);
    hash[3] = (byte) 0xe9;
    String query =
        "info_hash="
            + clientEncode(hash)
            + "&peer_id="
            + clientEncode(PEER)
            + "&port=1&uploaded=1&downloaded=2&left=0";

    assertThat(valid(query).infoHash()).isEqualTo(new InfoHash(hash));
  }

  @Test
  void aRawHighByteInTheRequestLineIsTakenAsThatByte() {
    // Netty hands the request line's bytes over as ISO-8859-1 characters.
    String rawHash =
        new String(HASH, StandardCharsets.ISO_8859_1)
            .replace("%", "%25")
            .replace("&", "%26")
            .replace("+", "%2B")
            .replace("=", "%3D")
            .replace(" ", "%20")
            .replace("#", "%23");
    String query =
        "info_hash="
            + rawHash
            + "&peer_id="
            + clientEncode(PEER)
            + "&port=1&uploaded=1&downloaded=2&left=0";

    assertThat(valid(query).infoHash()).isEqualTo(new InfoHash(HASH));
  }

  @Test
  void defaultsAreCompactNoEventAndTheClientsOwnAddress() {
    AnnounceRequest request = valid(base());

    assertThat(request.port()).isEqualTo(6881);
    assertThat(request.left()).isEqualTo(1000);
    assertThat(request.complete()).isFalse();
    assertThat(request.compact()).isTrue();
    assertThat(request.noPeerId()).isFalse();
    assertThat(request.event()).isEqualTo(AnnounceEvent.NONE);
    assertThat(request.numwant()).isEqualTo(OptionalInt.empty());
    assertThat(request.ip()).isEmpty();
    assertThat(request.topology()).isEqualTo(Topology.UNKNOWN);
    assertThat(request.address(Peers.ip("192.0.2.7"), Optional.empty(), TrustedProxies.NONE))
        .isEqualTo(new PeerAddress(Peers.ip("192.0.2.7"), 6881));
  }

  @Test
  void optionalParametersAreRead() {
    AnnounceRequest request =
        valid(
            base()
                + "&compact=0&no_peer_id=1&event=completed&numwant=500&ip=2001:db8::1&zone=eu-1a"
                + "&rack=r17&key=abc&supportcrypto=1");

    assertThat(request.compact()).isFalse();
    assertThat(request.noPeerId()).isTrue();
    assertThat(request.event()).isEqualTo(AnnounceEvent.COMPLETED);
    assertThat(request.effectiveNumwant(50, 200)).isEqualTo(200);
    assertThat(request.ip()).contains(Peers.ip("2001:db8::1"));
    assertThat(request.topology()).isEqualTo(Topology.of("eu-1a", "r17"));
    assertThat(
            request
                .address(
                    Peers.ip("10.0.0.9"), Optional.empty(), TrustedProxies.of(List.of("10.0.0.9")))
                .ipText())
        .as("from a trusted proxy")
        .isEqualTo("2001:db8::1");
    assertThat(
            request.address(Peers.ip("192.0.2.7"), Optional.empty(), TrustedProxies.NONE).ipText())
        .as("from anyone else")
        .isEqualTo("192.0.2.7");
  }

  @Test
  void absentNumwantMeansTheDefault() {
    assertThat(valid(base()).effectiveNumwant(50, 200)).isEqualTo(50);
    assertThat(valid(base() + "&numwant=0").effectiveNumwant(50, 200)).isZero();
    assertThat(valid(base() + "&numwant=99999999999").effectiveNumwant(50, 200)).isEqualTo(200);
  }

  @ParameterizedTest
  @CsvSource({
    "started, STARTED",
    "completed, COMPLETED",
    "stopped, STOPPED",
    "empty, NONE",
    "paused, NONE"
  })
  void eventsAreRecognised(String event, AnnounceEvent expected) {
    assertThat(valid(base() + "&event=" + event).event()).isEqualTo(expected);
  }

  @Test
  void anInfoHashOfNineteenBytesIsRejectedByName() {
    String query = base().replace(percentEncode(HASH), percentEncode(new byte[19]));

    Parsed.Invalid<AnnounceRequest> invalid = invalid(query);

    assertThat(invalid.parameter()).isEqualTo("info_hash");
    assertThat(invalid.message()).isEqualTo("info_hash must be 20 bytes (URL-encoded), got 19");
  }

  @Test
  void aMissingParameterIsNamed() {
    assertThat(invalid("peer_id=" + clientEncode(PEER) + "&port=1").message())
        .isEqualTo("missing parameter info_hash");
    assertThat(invalid(base().replace("&left=1000", "")).message())
        .isEqualTo("missing parameter left");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "&port=0|port|port must be 1..65535, got 0",
        "&port=65536|port|port must be 1..65535, got 65536",
        "&port=http|port|port must be a non-negative integer, got 'http'",
        "&left=-1|left|left must be a non-negative integer, got '-1'",
        "&uploaded=1e3|uploaded|uploaded must be a non-negative integer, got '1e3'",
        "&downloaded=99999999999999999999|downloaded|downloaded must be a non-negative integer, got '99999999999999999999'",
        "&compact=yes|compact|compact must be 0 or 1, got 'yes'",
        "&no_peer_id=2|no_peer_id|no_peer_id must be 0 or 1, got '2'",
        "&event=finished|event|event must be started, completed, stopped or empty, got 'finished'",
        "&numwant=-5|numwant|numwant must be a non-negative integer, got '-5'",
        "&ip=tracker.example.com|ip|ip must be a literal IPv4 or IPv6 address, got 'tracker.example.com'",
        "&ip=0.0.0.0|ip|ip must be a unicast address, got '0.0.0.0'",
        "&ip=fe80::1%25eth0|ip|ip must be a literal IPv4 or IPv6 address, got 'fe80::1%eth0'",
        "&zone=eu%20west|zone|zone must be 1..64 characters of A-Z a-z 0-9 . _ -, got 'eu west'",
        "&rack=|rack|rack must be 1..64 characters of A-Z a-z 0-9 . _ -, got ''",
        "&info_hash=x|info_hash|info_hash is given 2 times",
      })
  void aBadParameterIsRejectedByName(String extra, String parameter, String message) {
    // The later occurrence of a parameter makes it a duplicate, so replace instead of append.
    String query = base();
    String name = extra.substring(1, extra.indexOf('='));
    if (!name.equals("info_hash")) {
      query = query.replaceAll("&" + name + "=[^&]*", "");
    }
    Parsed.Invalid<AnnounceRequest> invalid = invalid(query + extra);

    assertThat(invalid.parameter()).isEqualTo(parameter);
    assertThat(invalid.message()).isEqualTo(message);
  }

  @Test
  void aMalformedEscapeIsRejectedByName() {
    Parsed.Invalid<AnnounceRequest> invalid = invalid(base().replace("peer_id=", "peer_id=%G0"));

    assertThat(invalid.parameter()).isEqualTo("peer_id");
    assertThat(invalid.message()).startsWith("peer_id has a malformed %-escape");
    assertThat(invalid("info_hash=%A").parameter()).isEqualTo("info_hash");
  }

  @Test
  void clientInputEchoedInAReasonIsMadePrintable() {
    Parsed.Invalid<AnnounceRequest> invalid = invalid(base() + "&event=%00%FFx");

    assertThat(invalid.message()).endsWith("got '??x'");
  }

  @Test
  void anEmptyQueryIsMissingTheInfoHash() {
    assertThat(invalid("").message()).isEqualTo("missing parameter info_hash");
    assertThat(Optional.of(invalid("&&&").parameter())).contains("info_hash");
  }
}
