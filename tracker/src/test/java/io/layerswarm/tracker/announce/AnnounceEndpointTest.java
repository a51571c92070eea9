package io.layerswarm.tracker.announce;

import static io.layerswarm.tracker.testing.Urls.percentEncode;
import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.core.bencode.BencodeException;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.testing.ManualClock;
import io.layerswarm.tracker.peerstore.InMemoryPeerStore;
import io.layerswarm.tracker.peerstore.PeerLimits;
import io.layerswarm.tracker.peerstore.StoreStats;
import io.layerswarm.tracker.peerstore.SwarmCounts;
import io.layerswarm.tracker.testing.Peers;
import io.layerswarm.tracker.testing.TrackerHttp;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AnnounceEndpointTest {
  private static final byte[] HASH = new byte[20];

  static {
    Arrays.fill(HASH, (byte) 0xab);
  }

  private final ManualClock clock = new ManualClock();
  private final InMemoryPeerStore store = new InMemoryPeerStore(new Random(3));
  private final AnnounceEndpoint endpoint =
      new AnnounceEndpoint(
          store,
          clock,
          new AnnouncePolicy(
              Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(90), 50, 200));

  private static String query(String peerName, int port, long left, String extra) {
    return "info_hash="
        + percentEncode(HASH)
        + "&peer_id="
        + percentEncode(Peers.id(peerName).bytes())
        + "&port="
        + port
        + "&uploaded=0&downloaded=0&left="
        + left
        + extra;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> decode(TrackerReply reply) throws BencodeException {
    return (Map<String, Object>) Bencode.decode(reply.body());
  }

  private static InetAddress ip(String literal) {
    return Peers.ip(literal);
  }

  @Test
  void aReplyCarriesIntervalsCountsAndCompactPeers() throws Exception {
    endpoint.announce(query("seed", 7001, 0, "&event=completed"), ip("10.1.2.3"));

    TrackerReply reply =
        endpoint.announce(query("leech", 7002, 5, "&event=started"), ip("10.9.9.9"));

    assertThat(reply.failure()).isFalse();
    Map<String, Object> body = decode(reply);
    assertThat(body)
        .containsEntry("interval", 30L)
        .containsEntry("min interval", 5L)
        .containsEntry("complete", 1L)
        .containsEntry("incomplete", 1L)
        .doesNotContainKey("peers6");
    assertThat((byte[]) body.get("peers")).containsExactly(10, 1, 2, 3, 0x1b, 0x59);
  }

  @Test
  void ipv6PeersGoToPeers6InCompactMode() throws Exception {
    endpoint.announce(query("v6", 6881, 0, ""), ip("2001:db8::5"));

    Map<String, Object> body = decode(endpoint.announce(query("me", 6882, 1, ""), ip("10.0.0.2")));

    assertThat((byte[]) body.get("peers")).isEmpty();
    byte[] peers6 = (byte[]) body.get("peers6");
    assertThat(peers6).hasSize(18);
    assertThat(Arrays.copyOfRange(peers6, 0, 16)).isEqualTo(ip("2001:db8::5").getAddress());
    assertThat(Arrays.copyOfRange(peers6, 16, 18)).containsExactly(0x1a, (byte) 0xe1);
  }

  @Test
  @SuppressWarnings("unchecked")
  void compactZeroGivesAListOfDictionariesWithoutPeerIds() throws Exception {
    endpoint.announce(query("other", 6881, 0, ""), ip("10.1.1.1"));
    endpoint.announce(query("v6", 6881, 0, ""), ip("2001:db8::5"));

    Map<String, Object> body =
        decode(endpoint.announce(query("me", 6882, 1, "&compact=0&numwant=10"), ip("10.0.0.2")));

    List<Map<String, Object>> peers = (List<Map<String, Object>>) body.get("peers");
    assertThat(peers).hasSize(2);
    assertThat(peers)
        .extracting(p -> new String((byte[]) p.get("ip"), StandardCharsets.US_ASCII))
        .containsExactlyInAnyOrder("10.1.1.1", "2001:db8::5");
    assertThat(peers).allSatisfy(p -> assertThat(p).containsEntry("port", 6881L));
    // A peer id would let an outsider pose as that peer; nobody else needs it.
    assertThat(peers).allSatisfy(p -> assertThat(p).containsOnlyKeys("ip", "port"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void noPeerIdLeavesThePeerIdOut() throws Exception {
    endpoint.announce(query("other", 6881, 0, ""), ip("10.1.1.1"));

    Map<String, Object> body =
        decode(endpoint.announce(query("me", 6882, 1, "&compact=0&no_peer_id=1"), ip("10.0.0.2")));

    List<Map<String, Object>> peers = (List<Map<String, Object>>) body.get("peers");
    assertThat(peers).singleElement().satisfies(p -> assertThat(p).containsOnlyKeys("ip", "port"));
  }

  @Test
  void numwantIsClampedToTheMaximum() throws Exception {
    for (int i = 0; i < 250; i++) {
      endpoint.announce(query("p" + i, 10_000 + i, 1, ""), ip("10.2.0.1"));
    }

    Map<String, Object> body =
        decode(endpoint.announce(query("me", 6882, 1, "&numwant=100000"), ip("10.0.0.2")));

    assertThat((byte[]) body.get("peers")).hasSize(200 * 6);
  }

  @Test
  void aBadAnnounceGetsAFailureReasonAndStoresNothing() throws Exception {
    String query =
        query("me", 6881, 0, "").replace(percentEncode(HASH), percentEncode(new byte[5]));

    TrackerReply reply = endpoint.announce(query, ip("10.0.0.2"));

    assertThat(reply.failure()).isTrue();
    assertThat(decode(reply)).containsOnlyKeys("failure reason");
    assertThat(new String((byte[]) decode(reply).get("failure reason"), StandardCharsets.UTF_8))
        .isEqualTo("info_hash must be 20 bytes (URL-encoded), got 5");
    assertThat(store.stats(clock.instant())).isEqualTo(new StoreStats(0, 0));
  }

  @Test
  void stoppedRemovesThePeerAndReturnsNoPeers() throws Exception {
    endpoint.announce(query("other", 6881, 0, ""), ip("10.1.1.1"));
    endpoint.announce(query("me", 6882, 1, ""), ip("10.0.0.2"));

    Map<String, Object> body =
        decode(endpoint.announce(query("me", 6882, 1, "&event=stopped"), ip("10.0.0.2")));

    assertThat((byte[]) body.get("peers")).isEmpty();
    assertThat(body).containsEntry("complete", 1L).containsEntry("incomplete", 0L);
  }

  @Test
  void peersExpireByTheInjectedClock() throws Exception {
    endpoint.announce(query("gone", 6881, 0, ""), ip("10.1.1.1"));
    clock.advance(Duration.ofSeconds(90));

    Map<String, Object> body = decode(endpoint.announce(query("me", 6882, 1, ""), ip("10.0.0.2")));

    assertThat((byte[]) body.get("peers")).isEmpty();
    assertThat(body).containsEntry("complete", 0L);
  }

  @Test
  void theIpParameterOfAnUntrustedHostIsIgnored() throws Exception {
    endpoint.announce(query("liar", 6666, 0, "&ip=127.0.0.1"), ip("10.1.1.1"));

    Map<String, Object> body = decode(endpoint.announce(query("me", 6882, 1, ""), ip("10.0.0.2")));

    assertThat((byte[]) body.get("peers")).containsExactly(10, 1, 1, 1, 0x1a, 0x0a);
  }

  @Test
  void anotherHostCannotStopAPeerWithItsPeerId() throws Exception {
    endpoint.announce(query("seeder", 6881, 0, "&event=completed"), ip("10.1.1.1"));

    TrackerReply stop =
        endpoint.announce(query("seeder", 6881, 0, "&event=stopped"), ip("10.6.6.6"));

    assertThat(stop.failure()).isFalse();
    assertThat(store.counts(new InfoHash(HASH), clock.instant()).complete()).isEqualTo(1);
    Map<String, Object> body = decode(endpoint.announce(query("me", 6882, 1, ""), ip("10.0.0.2")));
    assertThat((byte[]) body.get("peers")).containsExactly(10, 1, 1, 1, 0x1a, (byte) 0xe1);
  }

  @Test
  void anotherHostCannotMoveAPeerWithItsPeerIdAndAnIp() throws Exception {
    endpoint.announce(query("seeder", 6881, 0, "&event=completed"), ip("10.1.1.1"));

    endpoint.announce(query("seeder", 6666, 0, "&ip=127.0.0.1"), ip("10.6.6.6"));

    Map<String, Object> body =
        decode(endpoint.announce(query("me", 6882, 1, "&numwant=10"), ip("10.0.0.2")));
    byte[] peers = (byte[]) body.get("peers");
    assertThat(peers).hasSize(12);
    // The seeder stays where it is; the liar is listed at its own address, never at 127.0.0.1.
    assertThat(TrackerHttp.compactPeers(peers))
        .containsExactlyInAnyOrder("10.1.1.1:6881", "10.6.6.6:6666");
  }

  @Test
  void aPeerThatRestartsOnAnotherPortOfTheSameHostIsListedOnce() throws Exception {
    endpoint.announce(query("agent", 6881, 1, ""), ip("10.1.1.1"));

    endpoint.announce(query("agent", 7000, 1, ""), ip("10.1.1.1"));

    Map<String, Object> body = decode(endpoint.announce(query("me", 6882, 1, ""), ip("10.0.0.2")));
    assertThat(TrackerHttp.compactPeers((byte[]) body.get("peers")))
        .containsExactly("10.1.1.1:7000");
  }

  @Test
  void aTrustedProxysForwardedForIsThePeersAddress() throws Exception {
    AnnounceEndpoint behindProxy =
        new AnnounceEndpoint(
            store,
            clock,
            new AnnouncePolicy(
                Duration.ofSeconds(30),
                Duration.ofSeconds(5),
                Duration.ofSeconds(90),
                50,
                200,
                TrustedProxies.of(List.of("10.0.0.0/24"))));

    behindProxy.announce(
        query("far", 6881, 0, ""), ip("10.0.0.7"), Optional.of("198.51.100.1, 192.0.2.44"));
    behindProxy.announce(query("near", 6881, 0, "&ip=192.0.2.45"), ip("10.0.0.7"));
    behindProxy.announce(query("spoof", 6881, 0, ""), ip("10.9.9.9"), Optional.of("192.0.2.99"));
    TrackerReply loopback =
        behindProxy.announce(query("lo", 6881, 0, ""), ip("10.0.0.7"), Optional.of("127.0.0.1"));

    Map<String, Object> body =
        decode(behindProxy.announce(query("me", 6882, 1, "&numwant=10"), ip("10.1.0.2")));
    assertThat(TrackerHttp.compactPeers((byte[]) body.get("peers")))
        .containsExactlyInAnyOrder("192.0.2.44:6881", "192.0.2.45:6881", "10.9.9.9:6881");
    assertThat(loopback.failure()).isTrue();
    assertThat(new String((byte[]) decode(loopback).get("failure reason"), StandardCharsets.UTF_8))
        .isEqualTo("X-Forwarded-For must be an address other peers can reach, got 127.0.0.1");
  }

  @Test
  void aFullStoreRefusesNewPeersNamingTheLimitAndKeepsTheListedOnes() throws Exception {
    InMemoryPeerStore small = new InMemoryPeerStore(new Random(3), new PeerLimits(10, 10, 10, 2));
    AnnounceEndpoint bounded =
        new AnnounceEndpoint(
            small,
            clock,
            new AnnouncePolicy(
                Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(90), 50, 200));
    bounded.announce(query("a", 7001, 0, ""), ip("10.1.1.1"));
    bounded.announce(query("b", 7002, 0, ""), ip("10.1.1.1"));

    TrackerReply third = bounded.announce(query("c", 7003, 0, ""), ip("10.1.1.1"));
    TrackerReply again = bounded.announce(query("a", 7001, 0, ""), ip("10.1.1.1"));

    assertThat(third.failure()).isTrue();
    assertThat(third.unavailable()).as("the address's own doing").isFalse();
    assertThat(new String((byte[]) decode(third).get("failure reason"), StandardCharsets.UTF_8))
        .isEqualTo("tracker full: 2 peers of this address (tracker.max-peers-per-address)");
    assertThat(again.failure()).isFalse();
    assertThat(small.counts(new InfoHash(HASH), clock.instant()).complete()).isEqualTo(2);
  }

  @Test
  void scrapeAnswersEveryRequestedSwarmKeyedByRawInfoHash() throws Exception {
    ScrapeEndpoint scrape = new ScrapeEndpoint(store, clock);
    endpoint.announce(query("seed", 6881, 0, "&event=completed"), ip("10.1.1.1"));
    endpoint.announce(query("leech", 6882, 9, ""), ip("10.1.1.2"));
    byte[] unknown = "unknown-swarm-hash!!".getBytes(StandardCharsets.US_ASCII);

    TrackerReply reply =
        scrape.scrape("info_hash=" + percentEncode(HASH) + "&info_hash=" + percentEncode(unknown));

    assertThat(reply.failure()).isFalse();
    // Keys sorted as raw bytes: 0xab... sorts after 'u'.
    String expected =
        "d5:filesd20:"
            + new String(unknown, StandardCharsets.ISO_8859_1)
            + "d8:completei0e10:downloadedi0e10:incompletei0ee"
            + "20:"
            + new String(HASH, StandardCharsets.ISO_8859_1)
            + "d8:completei1e10:downloadedi1e10:incompletei1eeee";
    assertThat(reply.body()).isEqualTo(expected.getBytes(StandardCharsets.ISO_8859_1));
    assertThat(store.counts(new InfoHash(HASH), clock.instant()))
        .isEqualTo(new SwarmCounts(1, 1, 1));
  }

  @Test
  void scrapeWithoutAnInfoHashIsRefusedByName() throws Exception {
    TrackerReply reply = new ScrapeEndpoint(store, clock).scrape("");

    assertThat(reply.failure()).isTrue();
    assertThat(new String((byte[]) decode(reply).get("failure reason"), StandardCharsets.UTF_8))
        .startsWith("missing parameter info_hash");
  }

  @Test
  void scrapeOfABadInfoHashIsRefusedByName() throws Exception {
    TrackerReply reply = new ScrapeEndpoint(store, clock).scrape("info_hash=abc");

    assertThat(new String((byte[]) decode(reply).get("failure reason"), StandardCharsets.UTF_8))
        .isEqualTo("info_hash must be 20 bytes (URL-encoded), got 3");
  }
}
