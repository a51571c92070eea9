package io.layerswarm.tracker.peerstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The {@link PeerStoreContract} for the in-memory store. */
class InMemoryPeerStoreTest extends PeerStoreContract {
  @Override
  PeerStore openStore(PeerLimits limits) {
    return new InMemoryPeerStore(new Random(1), limits);
  }

  @Test
  void namesItselfInMemoryForTheTrackersStartLine() {
    assertThat(store).hasToString("in-memory");
  }

  @Test
  void aSwarmBeyondTheSampleKeepsExactCountsAndHandsOutNoPeerThatLeftOrChangedRole()
      throws Exception {
    int size = 4 * InMemoryPeerStore.CANDIDATE_CAP;
    for (int i = 0; i < size; i++) {
      announce(SWARM, numbered(i, i % 2 == 0, Topology.UNKNOWN), AnnounceEvent.STARTED);
    }
    // Every third peer stops, every fifth leecher completes: entries leave and move lists.
    Set<Integer> gone = new HashSet<>();
    int seeds = size / 2;
    int leechers = size / 2;
    for (int i = 0; i < size; i++) {
      if (i % 3 == 0) {
        announce(SWARM, numbered(i, i % 2 == 0, Topology.UNKNOWN), AnnounceEvent.STOPPED);
        gone.add(i);
        if (i % 2 == 0) {
          seeds--;
        } else {
          leechers--;
        }
      } else if (i % 2 == 1 && i % 5 == 0) {
        announce(SWARM, numbered(i, true, Topology.UNKNOWN), AnnounceEvent.COMPLETED);
        seeds++;
        leechers--;
      }
    }

    assertThat(store.counts(SWARM, now()).complete()).isEqualTo(seeds);
    assertThat(store.counts(SWARM, now()).incomplete()).isEqualTo(leechers);
    Set<Peer> live = new HashSet<>();
    for (int i = 0; i < size; i++) {
      if (!gone.contains(i)) {
        live.add(numbered(i, i % 2 == 0 || i % 5 == 0, Topology.UNKNOWN));
      }
    }
    Set<Peer> seen = new HashSet<>();
    for (int round = 0; round < 300; round++) {
      List<Peer> answer =
          store.select(SWARM, numbered(size + 1, false, Topology.UNKNOWN), 50, now());
      assertThat(answer).hasSize(50).doesNotHaveDuplicates();
      assertThat(live).containsAll(answer);
      seen.addAll(answer);
    }
    // 15,000 draws from about 1,300 live peers: a sample stuck on part of the swarm misses many.
    assertThat(seen).hasSize(live.size());
  }
}
