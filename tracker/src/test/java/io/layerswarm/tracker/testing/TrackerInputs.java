package io.layerswarm.tracker.testing;

import static io.layerswarm.tracker.testing.Urls.percentEncode;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.testing.fuzz.Mutations;
import io.layerswarm.testing.fuzz.QueryMutations;
import io.layerswarm.tracker.announce.AnnouncePolicy;
import io.layerswarm.tracker.announce.TrustedProxies;
import io.layerswarm.tracker.peerstore.AnnounceEvent;
import io.layerswarm.tracker.peerstore.InMemoryPeerStore;
import io.layerswarm.tracker.peerstore.PeerEntry;
import io.layerswarm.tracker.peerstore.PeerStore;
import io.layerswarm.tracker.peerstore.PeerStoreUnavailableException;
import io.layerswarm.tracker.peerstore.SwarmSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.Arbitrary;

/**
 * Inputs and state for the tracker's fuzz targets: announce and scrape queries as BitTorrent
 * clients send them, a peer store with peers in two swarms, and a snapshot of everything it stores,
 * to show that a request changed nothing (or only its own swarm).
 */
public final class TrackerInputs {
  /** The swarm the seed queries announce to, and another one that holds peers too. */
  public static final byte[] HASH = filled(0xab);

  public static final byte[] OTHER_HASH = filled(0x5c);

  /** %1$s is the info hash, %2$s the peer id, %3$s the other info hash. */
  public static final List<String> QUERIES =
      List.of(
          "info_hash=%1$s&peer_id=%2$s&port=6881&uploaded=0&downloaded=0&left=100&compact=1"
              + "&event=started&numwant=50&key=abc&zone=eu-1&rack=r.7",
          "info_hash=%1$s&peer_id=%2$s&port=6882&uploaded=10&downloaded=20&left=0&event=completed"
              + "&compact=0&no_peer_id=1",
          "info_hash=%1$s&peer_id=%2$s&port=6881&uploaded=0&downloaded=0&left=0&event=stopped",
          "info_hash=%1$s&peer_id=%2$s&port=1&uploaded=0&downloaded=0&left=5&ip=10.7.7.7"
              + "&supportcrypto=1&trackerid=x",
          "info_hash=%1$s&info_hash=%3$s&info_hash=%1$s");

  private static final List<String> TOKENS =
      List.of(
          "%",
          "%zz",
          "%F",
          "%FF",
          "%00",
          "&",
          "&&",
          "=",
          "==",
          "+",
          "info_hash=",
          "peer_id=",
          "port=",
          "port=0",
          "port=65536",
          "numwant=",
          "left=",
          "uploaded=-1",
          "9223372036854775807",
          "9223372036854775808",
          "9999999999999999999",
          "99999999999999999999",
          "ip=",
          "ip=::1",
          "ip=0.0.0.0",
          "ip=224.0.0.1",
          "ip=fe80::1%25eth0",
          "ip=localhost",
          "event=stopped",
          "event=paused",
          "event=",
          "compact=0",
          "compact=2",
          "zone=",
          "rack=",
          "zone=" + "z".repeat(65),
          "\u00e9",
          "\u0100",
          "%C3%A9");

  /** The proxy the fuzz targets' trackers trust: from its range, an announce may name a peer. */
  public static final TrustedProxies PROXIES = TrustedProxies.of(List.of("10.9.0.0/16"));

  private TrackerInputs() {}

  /** The tracker's default announce policy, trusting {@link #PROXIES}. */
  public static AnnouncePolicy policy() {
    return new AnnouncePolicy(
        Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMinutes(2), 50, 200, PROXIES);
  }

  /**
   * Announce (and scrape) queries as clients send them, mutated as pairs and as text: {@link
   * #QUERIES} with the hashes of {@link #HASH} and {@link #OTHER_HASH} and a peer id filled in.
   */
  public static Arbitrary<String> announceQueries() {
    String other = percentEncode(OTHER_HASH);
    return QueryMutations.of(
        seedQueries(),
        List.of(
            "",
            "0",
            "-1",
            "1",
            "65535",
            "65536",
            "9223372036854775807",
            "9223372036854775808",
            "9999999999999999999",
            "99999999999999999999",
            "+1",
            "0x10",
            other,
            other.substring(3),
            other + "%00",
            "%zz",
            "::1",
            "0.0.0.0",
            "255.255.255.255",
            "fe80::1%25eth0",
            "started",
            "stopped",
            "paused",
            "z".repeat(65),
            "a b"),
        TOKENS);
  }

  /** {@link #QUERIES} as sent, unmutated. */
  public static List<String> seedQueries() {
    String hash = percentEncode(HASH);
    String other = percentEncode(OTHER_HASH);
    String id = percentEncode(Peers.id("fuzzer").bytes());
    return QUERIES.stream().map(q -> q.formatted(hash, id, other)).toList();
  }

  /** What a proxy may put in {@code X-Forwarded-For}, mutated; absent three times in ten. */
  public static Arbitrary<Optional<String>> forwardedFor() {
    return Mutations.text(
            List.of("10.1.2.3", "10.0.0.1, 10.1.2.3", "::1", "2001:db8::7", "unknown"),
            List.of(",", " ", ":", ".", "%", "256", "::ffff:", "[", "]"))
        .optional(0.7);
  }

  /** Two swarms with a seed and a leecher each, so that spoofing or a stray change shows. */
  public static PeerStore storeWithPeers(Instant now) throws Exception {
    InMemoryPeerStore store = new InMemoryPeerStore(new Random(5));
    Instant expires = now.plus(Duration.ofMinutes(2));
    for (byte[] hash : List.of(HASH, OTHER_HASH)) {
      InfoHash infoHash = new InfoHash(hash);
      store.announce(infoHash, Peers.peer("S seed"), AnnounceEvent.STARTED, now, expires);
      store.announce(infoHash, Peers.peer("L leech"), AnnounceEvent.STARTED, now, expires);
    }
    return store;
  }

  /** Every swarm's peers (address, id, seed or not, expiry), by info hash. */
  public static Map<String, List<String>> snapshot(PeerStore store, Instant now)
      throws PeerStoreUnavailableException {
    Map<String, List<String>> swarms = new TreeMap<>();
    for (SwarmSummary swarm : store.swarms(now)) {
      swarms.put(
          swarm.infoHash().hex(),
          store.peers(swarm.infoHash(), now, 1000).stream().map(PeerEntry::toString).toList());
    }
    return swarms;
  }

  private static byte[] filled(int value) {
    byte[] bytes = new byte[20];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }
}
