package io.layerswarm.tracker.announce;

import static io.layerswarm.tracker.testing.Urls.percentEncode;
import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.core.bencode.BencodeException;
import io.layerswarm.testing.ManualClock;
import io.layerswarm.tracker.peerstore.PeerStore;
import io.layerswarm.tracker.testing.Peers;
import io.layerswarm.tracker.testing.TrackerInputs;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Example;

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
  private static final TrustedProxies PROXIES = TrustedProxies.of(List.of("10.9.0.0/16"));

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
          new AnnounceEndpoint(
                  store,
                  clock,
                  new AnnouncePolicy(
                      Duration.ofSeconds(30),
                      Duration.ofSeconds(5),
                      Duration.ofMinutes(2),
                      50,
                      200))
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
