package io.layerswarm.swarm.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.PeerId;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AnnounceCodecTest {
  private static final InfoHash INFO_HASH =
      InfoHash.fromHex("123456789abcdef123456789abcdef123456789a");
  private static final PeerId PEER_ID =
      new PeerId("-LS0100-abc~def.ghi_".getBytes(StandardCharsets.US_ASCII));

  private static AnnounceRequest request(AnnounceEvent event) {
    return new AnnounceRequest(
        INFO_HASH,
        PEER_ID,
        6881,
        10,
        20,
        30,
        event,
        50,
        Optional.of("10.0.0.1"),
        Optional.empty(),
        Map.of("zone", "eu west", "rack", "r1"));
  }

  @Test
  void theInfoHashAndPeerIdAreSentAsPercentEncodedRawBytes() {
    URI uri =
        AnnounceCodec.uri(
            URI.create("http://t:8080/announce?key=abc"), request(AnnounceEvent.STARTED));

    assertThat(uri.toString())
        .isEqualTo(
            "http://t:8080/announce?key=abc"
                + "&info_hash=%124Vx%9A%BC%DE%F1%23Eg%89%AB%CD%EF%124Vx%9A"
                + "&peer_id=-LS0100-abc~def.ghi_"
                + "&port=6881&uploaded=10&downloaded=20&left=30&compact=1&numwant=50&event=started"
                + "&ip=10.0.0.1&rack=r1&zone=eu%20west");
  }

  @Test
  void aRegularAnnounceHasNoEvent() {
    URI uri = AnnounceCodec.uri(URI.create("http://t/announce"), request(AnnounceEvent.NONE));

    assertThat(uri.getRawQuery()).doesNotContain("event=");
  }

  @Test
  void compactPeersAreParsed() throws Exception {
    byte[] peers = HexFormat.of().parseHex("7f0000011ae1" + "0a000002c350");
    byte[] peers6 = HexFormat.of().parseHex("00000000000000000000000000000001" + "1ae2");
    byte[] body =
        Bencode.encode(
            Map.of(
                "interval",
                120L,
                "min interval",
                60L,
                "peers",
                peers,
                "peers6",
                peers6,
                "tracker id",
                "tid"));

    AnnounceResponse response = AnnounceCodec.parse(body);

    assertThat(response.interval()).contains(Duration.ofSeconds(120));
    assertThat(response.minInterval()).contains(Duration.ofSeconds(60));
    assertThat(response.trackerId()).contains("tid");
    assertThat(response.peers())
        .containsExactly(
            new InetSocketAddress("127.0.0.1", 6881),
            new InetSocketAddress("10.0.0.2", 50000),
            new InetSocketAddress("::1", 6882));
  }

  @Test
  void dictionaryPeersAreParsedWithoutResolvingNames() throws Exception {
    byte[] body =
        Bencode.encode(
            Map.of(
                "peers",
                List.of(
                    Map.of("ip", "10.1.2.3", "port", 7000L, "peer id", new byte[20]),
                    Map.of("ip", "seed.example", "port", 7001L),
                    Map.of("ip", "bad", "port", 70000L))));

    AnnounceResponse response = AnnounceCodec.parse(body);

    assertThat(response.interval()).isEmpty();
    assertThat(response.peers())
        .containsExactly(
            InetSocketAddress.createUnresolved("10.1.2.3", 7000),
            InetSocketAddress.createUnresolved("seed.example", 7001));
  }

  @Test
  void aFailureReasonBecomesATrackerException() {
    byte[] body = Bencode.encode(Map.of("failure reason", "unregistered torrent"));

    assertThatThrownBy(() -> AnnounceCodec.parse(body))
        .isInstanceOf(TrackerException.class)
        .hasMessageContaining("unregistered torrent");
  }

  @Test
  void malformedResponsesAreRejected() {
    assertThatThrownBy(() -> AnnounceCodec.parse("<html>".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(TrackerException.class);
    assertThatThrownBy(() -> AnnounceCodec.parse(Bencode.encode(List.of())))
        .isInstanceOf(TrackerException.class);
    assertThatThrownBy(() -> AnnounceCodec.parse(Bencode.encode(Map.of("peers", new byte[7]))))
        .hasMessageContaining("multiple of 6");
  }
}
