package io.layerswarm.tracker.peerstore;

import static io.layerswarm.tracker.testing.Peers.names;
import static io.layerswarm.tracker.testing.Peers.peer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.testing.ManualClock;
import io.layerswarm.tracker.testing.Peers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link PeerStore} must do, run against each implementation by a subclass that opens a
 * fresh, empty store per test. Time is a {@link ManualClock}: nothing sleeps.
 */
abstract class PeerStoreContract {
  static final Duration TTL = Duration.ofSeconds(90);
  static final InfoHash SWARM = InfoHash.fromHex("aa".repeat(20));
  static final InfoHash OTHER = InfoHash.fromHex("bb".repeat(20));
  static final int LARGE_SWARM = 2000;

  final ManualClock clock = new ManualClock();
  PeerStore store;

  /** A new store with no swarms in it, holding at most what {@code limits} allow. */
  abstract PeerStore openStore(PeerLimits limits) throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = openStore(PeerLimits.DEFAULTS);
  }

  /** Replaces the test's store by an empty one with these limits. */
  void reopen(PeerLimits limits) throws Exception {
    store.close();
    store = openStore(limits);
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  void announce(InfoHash swarm, Peer peer, AnnounceEvent event) throws Exception {
    store.announce(swarm, peer, event, now(), now().plus(TTL));
  }

  Instant now() {
    return clock.instant();
  }

  /** Peer number {@code i} of a large swarm: its own id and its own address. */
  static Peer numbered(int i, boolean seed, Topology topology) {
    byte[] id = String.format("-XX0000-%012d", i).getBytes(StandardCharsets.US_ASCII);
    return new Peer(
        new PeerId(id),
        new PeerAddress(Peers.ip("10." + (i / 250) + "." + (i % 250) + ".1"), 6881),
        seed,
        topology);
  }

  @Test
  void anAnnouncedPeerIsHandedToOthersAndCounted() throws Exception {
    announce(SWARM, peer("S seed"), AnnounceEvent.STARTED);
    announce(SWARM, peer("L leech"), AnnounceEvent.STARTED);

    assertThat(names(store.select(SWARM, peer("L me"), 10, now())).split(" "))
        .containsExactlyInAnyOrder("seed", "leech");
    assertThat(store.counts(SWARM, now())).isEqualTo(new SwarmCounts(1, 1, 0));
    assertThat(store.counts(OTHER, now())).isEqualTo(SwarmCounts.EMPTY);
  }

  @Test
  void aPeerComesBackWithItsAddressRoleAndTopology() throws Exception {
    Peer v6 =
        new Peer(
            Peers.id("six"),
            new PeerAddress(Peers.ip("2001:db8::7"), 51413),
            true,
            Topology.of("eu-1", "r-07"));
    Peer zoneOnly =
        new Peer(
            Peers.id("zone"),
            new PeerAddress(Peers.ip("10.2.3.4"), 6881),
            false,
            Topology.of("eu-1", null));
    Peer plain = peer("L plain");
    announce(SWARM, v6, AnnounceEvent.COMPLETED);
    announce(SWARM, zoneOnly, AnnounceEvent.STARTED);
    announce(SWARM, plain, AnnounceEvent.STARTED);

    assertThat(store.select(SWARM, peer("L me"), 10, now()))
        .containsExactlyInAnyOrder(v6, zoneOnly, plain);
  }

  @Test
  void aPeerThatStopsAnnouncingIsNeitherHandedOutNorCountedOnceItsTtlPassed() throws Exception {
    announce(SWARM, peer("L quiet"), AnnounceEvent.STARTED);
    clock.advance(TTL.minusSeconds(1));
    announce(SWARM, peer("L chatty"), AnnounceEvent.NONE);
    assertThat(store.counts(SWARM, now()).incomplete()).isEqualTo(2);

    clock.advance(Duration.ofSeconds(1));

    assertThat(names(store.select(SWARM, peer("L me"), 10, now()))).isEqualTo("chatty");
    assertThat(store.counts(SWARM, now()).incomplete()).isEqualTo(1);
    assertThat(store.stats(now())).isEqualTo(new StoreStats(1, 1));
  }

  @Test
  void expiryIsDecidedByTheCallersClockAlone() throws Exception {
    clock.advance(Duration.ofDays(365 * 80)); // far from the real time, either way
    announce(SWARM, peer("L a"), AnnounceEvent.STARTED);

    assertThat(store.counts(SWARM, now()).incomplete()).isEqualTo(1);
    assertThat(store.counts(SWARM, now().plus(TTL).minusMillis(1)).incomplete()).isEqualTo(1);
    assertThat(store.counts(SWARM, now().plus(TTL)).incomplete()).isZero();
    assertThat(store.select(SWARM, peer("L me"), 10, now().plus(TTL))).isEmpty();
  }

  @Test
  void reannouncingExtendsAPeersLife() throws Exception {
    announce(SWARM, peer("L a"), AnnounceEvent.STARTED);
    clock.advance(Duration.ofSeconds(60));
    announce(SWARM, peer("L a"), AnnounceEvent.NONE);
    clock.advance(Duration.ofSeconds(60));

    assertThat(store.counts(SWARM, now()).incomplete()).isEqualTo(1);
  }

  @Test
  void sweepRemovesExpiredPeersAndDropsEmptySwarms() throws Exception {
    announce(SWARM, peer("L a"), AnnounceEvent.STARTED);
    announce(OTHER, peer("L b"), AnnounceEvent.STARTED);
    clock.advance(Duration.ofSeconds(30));
    announce(OTHER, peer("L c"), AnnounceEvent.STARTED);
    clock.advance(TTL.minusSeconds(30));

    assertThat(store.sweep(now())).isEqualTo(2);
    assertThat(store.sweep(now())).isZero();
    assertThat(store.stats(now())).isEqualTo(new StoreStats(1, 1));
    assertThat(names(store.select(OTHER, peer("L me"), 10, now()))).isEqualTo("c");
  }

  @Test
  void aSwarmThatLostEveryPeerStartsItsDownloadCountAfresh() throws Exception {
    announce(SWARM, peer("S a"), AnnounceEvent.COMPLETED);
    clock.advance(TTL);
    store.sweep(now());

    announce(SWARM, peer("L b"), AnnounceEvent.STARTED);

    assertThat(store.counts(SWARM, now())).isEqualTo(new SwarmCounts(0, 1, 0));
  }

  @Test
  void stoppedRemovesThePeerAtOnce() throws Exception {
    announce(SWARM, peer("L a"), AnnounceEvent.STARTED);
    announce(SWARM, peer("L b"), AnnounceEvent.STARTED);

    announce(SWARM, peer("L a"), AnnounceEvent.STOPPED);

    assertThat(names(store.select(SWARM, peer("L me"), 10, now()))).isEqualTo("b");
    assertThat(store.counts(SWARM, now())).isEqualTo(new SwarmCounts(0, 1, 0));
  }

  @Test
  void stoppedForAnUnknownSwarmChangesNothing() throws Exception {
    announce(SWARM, peer("L a"), AnnounceEvent.STOPPED);

    assertThat(store.stats(now())).isEqualTo(new StoreStats(0, 0));
    assertThat(store.counts(SWARM, now())).isEqualTo(SwarmCounts.EMPTY);
  }

  @Test
  void aCompletedEventCountsOneDownloadAndMakesTheLeecherASeed() throws Exception {
    announce(SWARM, peer("L a"), AnnounceEvent.STARTED);

    announce(SWARM, peer("S a"), AnnounceEvent.COMPLETED);
    announce(SWARM, peer("S a"), AnnounceEvent.COMPLETED); // a repeat is not a second download

    assertThat(store.counts(SWARM, now())).isEqualTo(new SwarmCounts(1, 0, 1));
  }

  @Test
  void aNewPeerIdAtAKnownAddressReplacesTheOldEntry() throws Exception {
    Peer before = peer("L a");
    Peer restarted = new Peer(Peers.id("a-restarted"), before.address(), false, Topology.UNKNOWN);
    announce(SWARM, before, AnnounceEvent.STARTED);

    announce(SWARM, restarted, AnnounceEvent.STARTED);

    assertThat(names(store.select(SWARM, peer("L me"), 10, now()))).isEqualTo("a-restarted");
    assertThat(store.counts(SWARM, now()).incomplete()).isEqualTo(1);
  }

  @Test
  void aPeerThatMovesToAnotherPortIsListedOnce() throws Exception {
    Peer before = peer("L a");
    Peer moved =
        new Peer(before.id(), new PeerAddress(Peers.ip("10.0.0.1"), 7), false, Topology.UNKNOWN);
    announce(SWARM, before, AnnounceEvent.STARTED);

    announce(SWARM, moved, AnnounceEvent.NONE);

    assertThat(store.select(SWARM, peer("L me"), 10, now())).containsExactly(moved);
    // The old address is free again: another peer may take it without evicting "a".
    Peer successor = new Peer(Peers.id("b"), before.address(), false, Topology.UNKNOWN);
    announce(SWARM, successor, AnnounceEvent.STARTED);
    assertThat(store.counts(SWARM, now()).incomplete()).isEqualTo(2);
  }

  @Test
  void selectionExcludesTheAsker() throws Exception {
    announce(SWARM, peer("L a"), AnnounceEvent.STARTED);
    announce(SWARM, peer("L b"), AnnounceEvent.STARTED);

    assertThat(names(store.select(SWARM, peer("L a"), 10, now()))).isEqualTo("b");
  }

  @Test
  void nearerPeersComeFirst() throws Exception {
    announce(SWARM, peer("L far eu-2/r1"), AnnounceEvent.STARTED);
    announce(SWARM, peer("L zone eu-1/r2"), AnnounceEvent.STARTED);
    announce(SWARM, peer("L rack eu-1/r1"), AnnounceEvent.STARTED);

    assertThat(names(store.select(SWARM, peer("L me eu-1/r1"), 2, now()))).isEqualTo("rack zone");
  }

  @Test
  void swarmsAreSeparate() throws Exception {
    announce(SWARM, peer("L a"), AnnounceEvent.STARTED);
    announce(OTHER, peer("S b"), AnnounceEvent.COMPLETED);

    assertThat(names(store.select(SWARM, peer("L me"), 10, now()))).isEqualTo("a");
    assertThat(store.counts(OTHER, now())).isEqualTo(new SwarmCounts(1, 0, 1));
    assertThat(store.stats(now())).isEqualTo(new StoreStats(2, 2));
  }

  @Test
  void numwantZeroReturnsNoPeers() throws Exception {
    announce(SWARM, peer("L a"), AnnounceEvent.STARTED);

    assertThat(store.select(SWARM, peer("L me"), 0, now())).isEmpty();
    assertThat(store.select(OTHER, peer("L me"), 10, now())).isEmpty();
  }

  @Test
  void inASwarmOfTwoThousandEveryPeerIsHandedOutAndNoneFarMoreThanItsShare() throws Exception {
    for (int i = 0; i < LARGE_SWARM; i++) {
      announce(SWARM, numbered(i, false, Topology.UNKNOWN), AnnounceEvent.STARTED);
    }
    Map<PeerId, Integer> handedOut = new HashMap<>();
    int rounds = 1000;
    int numwant = 50;

    for (int round = 0; round < rounds; round++) {
      List<Peer> answer =
          store.select(SWARM, numbered(LARGE_SWARM + 1, false, Topology.UNKNOWN), numwant, now());
      assertThat(answer).hasSize(numwant);
      assertThat(new HashSet<>(answer)).hasSize(numwant);
      answer.forEach(p -> handedOut.merge(p.id(), 1, Integer::sum));
    }

    // Each peer is expected 1000 * 50 / 2000 = 25 times. For a fair selector, missing one peer
    // entirely (p about 1e-11 per peer) or handing one out 3x its share is practically
    // impossible; an unfair one (always the same candidates) fails both.
    int expected = rounds * numwant / LARGE_SWARM;
    assertThat(handedOut).hasSize(LARGE_SWARM);
    assertThat(handedOut.values().stream().mapToInt(Integer::intValue).max().orElseThrow())
        .isLessThan(3 * expected);
  }

  @Test
  void inASwarmOfTwoThousandLeechersEveryLeecherIsGivenASeed() throws Exception {
    for (int i = 0; i < LARGE_SWARM; i++) {
      announce(SWARM, numbered(i, i % 100 == 0, Topology.UNKNOWN), AnnounceEvent.STARTED);
    }
    assertThat(store.counts(SWARM, now())).isEqualTo(new SwarmCounts(20, 1980, 0));

    for (int round = 0; round < 200; round++) {
      List<Peer> answer =
          store.select(SWARM, numbered(round * 7 + 1, false, Topology.UNKNOWN), 50, now());
      assertThat(answer).hasSize(50).anyMatch(Peer::complete);
    }
  }

  @Test
  void aSeedInASwarmOfTwoThousandIsGivenLeechers() throws Exception {
    for (int i = 0; i < LARGE_SWARM; i++) {
      announce(SWARM, numbered(i, i % 2 == 0, Topology.UNKNOWN), AnnounceEvent.STARTED);
    }

    List<Peer> answer = store.select(SWARM, numbered(0, true, Topology.UNKNOWN), 50, now());

    assertThat(answer).hasSize(50).noneMatch(Peer::complete);
  }

  @Test
  void aHugeSwarmWithManyExpiredPeersHandsOutOnlyLiveOnes() throws Exception {
    for (int i = 0; i < LARGE_SWARM / 2; i++) {
      announce(SWARM, numbered(i, false, Topology.UNKNOWN), AnnounceEvent.STARTED);
    }
    clock.advance(TTL.minusSeconds(30));
    Set<PeerId> live = new HashSet<>();
    for (int i = LARGE_SWARM / 2; i < LARGE_SWARM; i++) {
      Peer p = numbered(i, false, Topology.UNKNOWN);
      live.add(p.id());
      announce(SWARM, p, AnnounceEvent.STARTED);
    }
    clock.advance(Duration.ofSeconds(30)); // the first half just expired; nothing swept

    for (int round = 0; round < 20; round++) {
      List<Peer> answer =
          store.select(SWARM, numbered(LARGE_SWARM + 1, false, Topology.UNKNOWN), 200, now());
      assertThat(answer).hasSize(200).allMatch(p -> live.contains(p.id()));
    }
    assertThat(store.counts(SWARM, now()).incomplete()).isEqualTo(LARGE_SWARM / 2);
  }

  @Test
  void selectingFromTwoThousandPeersGivesFullAnswersAndPrintsItsCost() throws Exception {
    for (int i = 0; i < LARGE_SWARM; i++) {
      announce(
          SWARM,
          numbered(i, i % 10 == 0, Topology.of("z" + (i % 3), "r" + (i % 40))),
          AnnounceEvent.STARTED);
    }
    Peer asker = numbered(LARGE_SWARM + 1, false, Topology.of("z1", "r1"));
    for (int i = 0; i < 50; i++) { // warm up the JIT (and Redis' script cache)
      store.select(SWARM, asker, 50, now());
    }

    int rounds = 200;
    long[] nanos = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      long start = System.nanoTime();
      assertThat(store.select(SWARM, asker, 50, now())).hasSize(50);
      store.counts(SWARM, now());
      nanos[i] = System.nanoTime() - start;
    }

    // Printed, not asserted: timing belongs to benchmarks, and CI machines are noisy.
    Arrays.sort(nanos);
    long medianMicros = nanos[rounds / 2] / 1_000;
    long p95Micros = nanos[rounds * 95 / 100] / 1_000;
    System.out.printf(
        "%s: select+counts of 50 from %d peers: median %d us, p95 %d us%n",
        getClass().getSimpleName(), LARGE_SWARM, medianMicros, p95Micros);
  }

  @Test
  void swarmsListsEveryLiveSwarmWithItsCounts() throws Exception {
    assertThat(store.swarms(now())).isEmpty();
    announce(SWARM, peer("L a"), AnnounceEvent.STARTED);
    announce(SWARM, peer("S b"), AnnounceEvent.COMPLETED);
    announce(SWARM, peer("L c"), AnnounceEvent.STARTED);
    announce(OTHER, peer("S d"), AnnounceEvent.STARTED);

    assertThat(store.swarms(now()))
        .containsExactlyInAnyOrder(
            new SwarmSummary(SWARM, new SwarmCounts(1, 2, 1)),
            new SwarmSummary(OTHER, new SwarmCounts(1, 0, 0)));
  }

  @Test
  void swarmsLeavesOutSwarmsWhosePeersExpiredOrStoppedBeforeAnySweep() throws Exception {
    announce(SWARM, peer("L a"), AnnounceEvent.STARTED);
    announce(OTHER, peer("L b"), AnnounceEvent.STARTED);
    InfoHash third = InfoHash.fromHex("cc".repeat(20));
    announce(third, peer("L c"), AnnounceEvent.STARTED);
    announce(third, peer("L c"), AnnounceEvent.STOPPED);
    clock.advance(Duration.ofSeconds(30));
    announce(OTHER, peer("S e"), AnnounceEvent.STARTED);
    clock.advance(TTL.minusSeconds(30));

    assertThat(store.swarms(now()))
        .containsExactly(new SwarmSummary(OTHER, new SwarmCounts(1, 0, 0)));
  }

  @Test
  void peersListsLivePeersWithTheirExpirySeedsFirstThenByAddress() throws Exception {
    Peer v6 =
        new Peer(
            Peers.id("six"),
            new PeerAddress(Peers.ip("2001:db8::7"), 51413),
            false,
            Topology.of("eu-1", "r-07"));
    Peer low =
        new Peer(
            Peers.id("low"),
            new PeerAddress(Peers.ip("10.0.0.2"), 7000),
            false,
            Topology.of("eu-1", null));
    Peer high =
        new Peer(
            Peers.id("high"),
            new PeerAddress(Peers.ip("10.0.0.10"), 6000),
            false,
            Topology.UNKNOWN);
    Peer seed =
        new Peer(
            Peers.id("seed"),
            new PeerAddress(Peers.ip("192.168.1.1"), 6881),
            true,
            Topology.UNKNOWN);
    Instant first = now();
    announce(SWARM, v6, AnnounceEvent.STARTED);
    announce(SWARM, high, AnnounceEvent.STARTED);
    announce(SWARM, low, AnnounceEvent.STARTED);
    clock.advance(Duration.ofSeconds(10));
    announce(SWARM, seed, AnnounceEvent.COMPLETED);
    announce(OTHER, peer("L elsewhere"), AnnounceEvent.STARTED);

    assertThat(store.peers(SWARM, now(), 100))
        .containsExactly(
            new PeerEntry(seed, now().plus(TTL)),
            new PeerEntry(low, first.plus(TTL)),
            new PeerEntry(high, first.plus(TTL)),
            new PeerEntry(v6, first.plus(TTL)));
    assertThat(store.peers(InfoHash.fromHex("cc".repeat(20)), now(), 100)).isEmpty();
  }

  @Test
  void peersLeavesOutExpiredAndStoppedPeers() throws Exception {
    announce(SWARM, peer("L old"), AnnounceEvent.STARTED);
    announce(SWARM, peer("L gone"), AnnounceEvent.STARTED);
    announce(SWARM, peer("L gone"), AnnounceEvent.STOPPED);
    clock.advance(Duration.ofSeconds(30));
    announce(SWARM, peer("L new"), AnnounceEvent.STARTED);
    clock.advance(TTL.minusSeconds(30));

    assertThat(store.peers(SWARM, now(), 100))
        .extracting(PeerEntry::peer)
        .containsExactly(peer("L new"));
  }

  @Test
  void peersReturnsAtMostTheLimitSeedsFirst() throws Exception {
    for (int i = 0; i < 30; i++) {
      announce(SWARM, numbered(i, i % 3 == 0, Topology.UNKNOWN), AnnounceEvent.STARTED);
    }

    List<PeerEntry> some = store.peers(SWARM, now(), 15);

    assertThat(some).hasSize(15);
    assertThat(some.subList(0, 10)).allMatch(e -> e.peer().complete());
    assertThat(some.subList(10, 15)).noneMatch(e -> e.peer().complete());
    assertThat(some).isSortedAccordingTo(PeerEntry.ORDER);
    assertThat(store.peers(SWARM, now(), 5)).hasSize(5).allMatch(e -> e.peer().complete());
    assertThat(store.peers(SWARM, now(), 1000)).hasSize(30);
    assertThat(store.peers(SWARM, now(), 0)).isEmpty();
  }

  // ---- Nobody moves or stops a peer at another address (issue 11, "announce spoofing").

  @Test
  void aStoppedFromAnotherAddressWithThePeersIdRemovesNothing() throws Exception {
    Peer seeder = peer("S seeder");
    announce(SWARM, seeder, AnnounceEvent.COMPLETED);
    Peer impostor =
        new Peer(
            seeder.id(),
            new PeerAddress(Peers.ip("10.6.6.6"), seeder.address().port()),
            true,
            Topology.UNKNOWN);

    announce(SWARM, impostor, AnnounceEvent.STOPPED);

    assertThat(store.select(SWARM, peer("L me"), 10, now())).containsExactly(seeder);
    assertThat(store.counts(SWARM, now())).isEqualTo(new SwarmCounts(1, 0, 1));
  }

  @Test
  void thePeersIdAtAnotherAddressIsAnotherEntryAndMovesNobody() throws Exception {
    Peer seeder = peer("S seeder");
    announce(SWARM, seeder, AnnounceEvent.COMPLETED);
    Peer impostor =
        new Peer(seeder.id(), new PeerAddress(Peers.ip("10.6.6.6"), 6666), true, Topology.UNKNOWN);

    announce(SWARM, impostor, AnnounceEvent.STARTED);

    assertThat(store.select(SWARM, peer("L me"), 10, now()))
        .containsExactlyInAnyOrder(seeder, impostor);
  }

  // ---- Bounded memory (issue 11, "unbounded tracker memory").

  @Test
  void aSwarmBeyondTheSwarmLimitIsRefusedAndNothingChanges() throws Exception {
    reopen(new PeerLimits(1, 100, 100, 100));
    announce(SWARM, peer("L a"), AnnounceEvent.STARTED);

    assertThatThrownBy(() -> announce(OTHER, peer("L b"), AnnounceEvent.STARTED))
        .isInstanceOf(PeerStoreFullException.class)
        .hasMessage("tracker full: 1 swarms (tracker.max-swarms)");

    assertThat(store.stats(now())).isEqualTo(new StoreStats(1, 1));
    assertThat(store.counts(OTHER, now())).isEqualTo(SwarmCounts.EMPTY);
  }

  @Test
  void aFullSwarmRefusesNewPeersButNotItsOwn() throws Exception {
    reopen(new PeerLimits(100, 100, 2, 100));
    announce(SWARM, peer("L a"), AnnounceEvent.STARTED);
    announce(SWARM, peer("L b"), AnnounceEvent.STARTED);

    assertThatThrownBy(() -> announce(SWARM, peer("L c"), AnnounceEvent.STARTED))
        .isInstanceOf(PeerStoreFullException.class)
        .hasMessageContaining("tracker.max-peers-per-swarm");
    announce(SWARM, peer("S a"), AnnounceEvent.COMPLETED);
    announce(OTHER, peer("L c"), AnnounceEvent.STARTED);

    assertThat(store.counts(SWARM, now())).isEqualTo(new SwarmCounts(1, 1, 1));
  }

  @Test
  void expiredAndStoppedPeersMakeRoomAgain() throws Exception {
    reopen(new PeerLimits(100, 100, 2, 100));
    announce(SWARM, peer("L a"), AnnounceEvent.STARTED);
    announce(SWARM, peer("L b"), AnnounceEvent.STARTED);

    announce(SWARM, peer("L a"), AnnounceEvent.STOPPED);
    announce(SWARM, peer("L c"), AnnounceEvent.STARTED);
    clock.advance(TTL);
    announce(SWARM, peer("L d"), AnnounceEvent.STARTED);
    announce(SWARM, peer("L e"), AnnounceEvent.STARTED);

    assertThat(names(store.select(SWARM, peer("L me"), 10, now())).split(" "))
        .containsExactlyInAnyOrder("d", "e");
  }

  @Test
  void theStoreWideLimitCountsEverySwarm() throws Exception {
    reopen(new PeerLimits(100, 3, 100, 100));
    announce(SWARM, numbered(1, false, Topology.UNKNOWN), AnnounceEvent.STARTED);
    announce(SWARM, numbered(2, false, Topology.UNKNOWN), AnnounceEvent.STARTED);
    announce(OTHER, numbered(3, false, Topology.UNKNOWN), AnnounceEvent.STARTED);

    assertThatThrownBy(
            () -> announce(OTHER, numbered(4, false, Topology.UNKNOWN), AnnounceEvent.STARTED))
        .isInstanceOf(PeerStoreFullException.class)
        .hasMessage("tracker full: 3 peers in all swarms (tracker.max-peers)");
    announce(SWARM, numbered(1, false, Topology.UNKNOWN), AnnounceEvent.STOPPED);
    announce(OTHER, numbered(4, false, Topology.UNKNOWN), AnnounceEvent.STARTED);
    assertThat(store.stats(now())).isEqualTo(new StoreStats(2, 3));
  }

  @Test
  void oneAddressCannotTakeMoreThanItsShareOverPortsAndSwarms() throws Exception {
    reopen(new PeerLimits(100, 100, 100, 3));
    // Every fixture peer is at 10.0.0.1, each name on its own port.
    announce(SWARM, peer("L a"), AnnounceEvent.STARTED);
    announce(SWARM, peer("L b"), AnnounceEvent.STARTED);
    announce(OTHER, peer("L a"), AnnounceEvent.STARTED);

    assertThatThrownBy(() -> announce(OTHER, peer("L c"), AnnounceEvent.STARTED))
        .isInstanceOf(PeerStoreFullException.class)
        .hasMessage("tracker full: 3 peers of this address (tracker.max-peers-per-address)");
    announce(OTHER, numbered(7, false, Topology.UNKNOWN), AnnounceEvent.STARTED);
    assertThat(store.stats(now())).isEqualTo(new StoreStats(2, 4));
  }

  /** All peers of a large swarm, for subclasses that look inside. */
  static List<Peer> numberedPeers(int count) {
    List<Peer> peers = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      peers.add(numbered(i, false, Topology.UNKNOWN));
    }
    return peers;
  }
}
