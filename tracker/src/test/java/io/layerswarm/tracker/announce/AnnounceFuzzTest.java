package io.layerswarm.tracker.announce;

import static io.layerswarm.tracker.testing.Urls.percentEncode;
import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.core.bencode.BencodeException;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.testing.ManualClock;
import io.layerswarm.testing.fuzz.FuzzTarget;
import io.layerswarm.tracker.peerstore.PeerStore;
import io.layerswarm.tracker.testing.Peers;
import io.layerswarm.tracker.testing.TrackerInputs;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;

/**
 * Fuzz targets: {@code GET /announce} and {@code GET /scrape} through their endpoints, the query
 * parsers and the in-memory peer store behind them. Queries are what BitTorrent clients send (every
 * parameter, every event, compact or not, a proxy's {@code ip}), changed by edits; they come from a
 * plain peer or from a trusted proxy with an {@code X-Forwarded-For}. Each gets a bencoded answer,
 * never an exception; a failure changes nothing stored, an announce changes only its own swarm, and
 * a scrape changes nothing.
 */
class AnnounceFuzzTest {
  private static final InetAddress PEER = Peers.ip("10.1.2.3");
  private static final InetAddress PROXY = Peers.ip("10.9.9.9");

  @Provide
  static Arbitrary<String> queries() {
    return TrackerInputs.announceQueries();
  }

  @Provide
  static Arbitrary<Optional<String>> forwardedFor() {
    return TrackerInputs.forwardedFor();
  }

  @FuzzTarget
  void anyAnnounceGetsABencodedAnswerAndOnlyASuccessChangesItsOwnSwarm(
      @ForAll("queries") String query,
      @ForAll boolean viaProxy,
      @ForAll("forwardedFor") Optional<String> forwardedFor)
      throws Exception {
    ManualClock clock = new ManualClock();
    PeerStore store = TrackerInputs.storeWithPeers(clock.instant());
    AnnounceEndpoint endpoint = new AnnounceEndpoint(store, clock, TrackerInputs.policy());
    Map<String, List<String>> before = TrackerInputs.snapshot(store, clock.instant());

    TrackerReply reply = endpoint.announce(query, viaProxy ? PROXY : PEER, forwardedFor);

    Map<?, ?> body = dictionary(reply);
    Map<String, List<String>> after = TrackerInputs.snapshot(store, clock.instant());
    if (reply.failure()) {
      assertThat(body.get("failure reason")).isInstanceOf(byte[].class);
      assertThat(after).isEqualTo(before);
      return;
    }
    assertThat(body.get("interval")).isInstanceOf(Long.class);
    InfoHash announced =
        ((Parsed.Valid<AnnounceRequest>) AnnounceRequest.parse(query)).value().infoHash();
    before.remove(announced.hex());
    after.remove(announced.hex());
    assertThat(after).as("swarms other than the one announced to").isEqualTo(before);
  }

  @FuzzTarget
  void anyScrapeGetsABencodedAnswerAndChangesNothing(@ForAll("queries") String query)
      throws Exception {
    ManualClock clock = new ManualClock();
    PeerStore store = TrackerInputs.storeWithPeers(clock.instant());
    Map<String, List<String>> before = TrackerInputs.snapshot(store, clock.instant());

    TrackerReply reply = new ScrapeEndpoint(store, clock).scrape(query);

    if (reply.failure()) {
      assertThat(dictionary(reply).get("failure reason")).isInstanceOf(byte[].class);
    } else {
      // BEP 48: the files are keyed by raw info hashes, which our strict decoder refuses as keys.
      assertThat(new String(reply.body(), StandardCharsets.ISO_8859_1))
          .startsWith("d5:filesd")
          .endsWith("ee");
    }
    assertThat(TrackerInputs.snapshot(store, clock.instant())).isEqualTo(before);
  }

  /**
   * Found by the announce target: a 19-digit number above the largest long passed the length check,
   * Long.parseLong threw, and the client got a 500 (with an ERROR and a stack trace logged).
   */
  @Example
  void aNumberAboveTheLargestLongIsAFailureReasonNamingTheParameter() throws Exception {
    String query =
        TrackerInputs.QUERIES
            .get(2)
            .formatted(percentEncode(TrackerInputs.HASH), percentEncode(Peers.id("x").bytes()), "");
    for (String name : List.of("port", "uploaded", "downloaded", "left", "numwant")) {
      String big =
          query.replaceFirst("(^|&)" + name + "=[^&]*", "") + "&" + name + "=9223372036854775808";
      ManualClock clock = new ManualClock();
      PeerStore store = TrackerInputs.storeWithPeers(clock.instant());
      Map<String, List<String>> before = TrackerInputs.snapshot(store, clock.instant());
      TrackerReply reply =
          new AnnounceEndpoint(store, clock, TrackerInputs.policy())
              .announce(big, PEER, Optional.empty());

      assertThat(reply.failure()).as(name).isTrue();
      assertThat(
              new String((byte[]) dictionary(reply).get("failure reason"), StandardCharsets.UTF_8))
          .startsWith(name);
      assertThat(TrackerInputs.snapshot(store, clock.instant())).isEqualTo(before);
    }
  }

  private static Map<?, ?> dictionary(TrackerReply reply) throws BencodeException {
    Object body = Bencode.decode(reply.body());
    assertThat(body).isInstanceOf(Map.class);
    return (Map<?, ?>) body;
  }
}
