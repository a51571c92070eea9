package io.layerswarm.tracker.peerstore;

import static io.layerswarm.tracker.testing.Peers.names;
import static io.layerswarm.tracker.testing.Peers.peer;
import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.swarm.metainfo.InfoHash;
import io.layerswarm.tracker.testing.FakeClock;
import io.layerswarm.tracker.testing.Peers;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InMemoryPeerStoreTest {
  private static final Duration TTL = Duration.ofSeconds(90);
  private static final InfoHash SWARM = InfoHash.fromHex("aa".repeat(20));
  private static final InfoHash OTHER = InfoHash.fromHex("bb".repeat(20));

  private final FakeClock clock = new FakeClock();
  private final InMemoryPeerStore store = new InMemoryPeerStore(new Random(1));

  private void announce(InfoHash swarm, Peer peer, AnnounceEvent event) {
    store.announce(swarm, peer, event, clock.instant().plus(TTL));
  }

  private Instant now() {
    return clock.instant();
  }

  @Test
  void anAnnouncedPeerIsHandedToOthersAndCounted() {
    announce(SWARM, peer("S seed"), AnnounceEvent.STARTED);
    announce(SWARM, peer("L leech"), AnnounceEvent.STARTED);

    assertThat(names(store.select(SWARM, peer("L me"), 10, now())).split(" "))
        .containsExactlyInAnyOrder("seed", "leech");
    assertThat(store.counts(SWARM, now())).isEqualTo(new SwarmCounts(1, 1, 0));
    assertThat(store.counts(OTHER, now())).isEqualTo(SwarmCounts.EMPTY);
  }

  @Test
  void aPeerThatStopsAnnouncingIsNeitherHandedOutNorCountedOnceItsTtlPassed() {
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
  void reannouncingExtendsAPeersLife() {
    announce(SWARM, peer("L a"), AnnounceEvent.STARTED);
    clock.advance(Duration.ofSeconds(60));
    announce(SWARM, peer("L a"), AnnounceEvent.NONE);
    clock.advance(Duration.ofSeconds(60));

    assertThat(store.counts(SWARM, now()).incomplete()).isEqualTo(1);
  }

  @Test
  void sweepRemovesExpiredPeersAndDropsEmptySwarms() {
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
  void stoppedRemovesThePeerAtOnce() {
    announce(SWARM, peer("L a"), AnnounceEvent.STARTED);
    announce(SWARM, peer("L b"), AnnounceEvent.STARTED);

    announce(SWARM, peer("L a"), AnnounceEvent.STOPPED);

    assertThat(names(store.select(SWARM, peer("L me"), 10, now()))).isEqualTo("b");
    assertThat(store.counts(SWARM, now())).isEqualTo(new SwarmCounts(0, 1, 0));
  }

  @Test
  void stoppedForAnUnknownSwarmChangesNothing() {
    announce(SWARM, peer("L a"), AnnounceEvent.STOPPED);

    assertThat(store.stats(now())).isEqualTo(new StoreStats(0, 0));
  }

  @Test
  void aCompletedEventCountsOneDownloadAndMakesTheLeecherASeed() {
    announce(SWARM, peer("L a"), AnnounceEvent.STARTED);

    announce(SWARM, peer("S a"), AnnounceEvent.COMPLETED);
    announce(SWARM, peer("S a"), AnnounceEvent.COMPLETED); // a repeat is not a second download

    assertThat(store.counts(SWARM, now())).isEqualTo(new SwarmCounts(1, 0, 1));
  }

  @Test
  void aNewPeerIdAtAKnownAddressReplacesTheOldEntry() {
    Peer before = peer("L a");
    Peer restarted = new Peer(Peers.id("a-restarted"), before.address(), false, Topology.UNKNOWN);
    announce(SWARM, before, AnnounceEvent.STARTED);

    announce(SWARM, restarted, AnnounceEvent.STARTED);

    assertThat(names(store.select(SWARM, peer("L me"), 10, now()))).isEqualTo("a-restarted");
    assertThat(store.counts(SWARM, now()).incomplete()).isEqualTo(1);
  }

  @Test
  void aPeerThatMovesToAnotherPortIsListedOnce() {
    Peer before = peer("L a");
    Peer moved = new Peer(before.id(), new PeerAddress(Peers.ip("10.0.0.1"), 7), false,
        Topology.UNKNOWN);
    announce(SWARM, before, AnnounceEvent.STARTED);

    announce(SWARM, moved, AnnounceEvent.NONE);

    assertThat(store.select(SWARM, peer("L me"), 10, now())).containsExactly(moved);
  }

  @Test
  void selectionExcludesTheAsker() {
    announce(SWARM, peer("L a"), AnnounceEvent.STARTED);
    announce(SWARM, peer("L b"), AnnounceEvent.STARTED);

    assertThat(names(store.select(SWARM, peer("L a"), 10, now()))).isEqualTo("b");
  }
}
