package io.layerswarm.tracker.peerstore;

import static io.layerswarm.tracker.testing.Peers.names;
import static io.layerswarm.tracker.testing.Peers.peer;
import static io.layerswarm.tracker.testing.Peers.peers;
import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.tracker.testing.Peers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PeerSelectorTest {
  private final Random random = new Random(42);

  @Test
  void theAskerIsNeverHandedItself() {
    Peer asker = peer("L me");
    List<Peer> candidates = peers("L me", "L a", "S b");

    List<Peer> chosen = PeerSelector.select(candidates, asker, 10, random);

    assertThat(names(chosen).split(" ")).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void aPeerAtTheAskersAddressIsExcludedEvenUnderAnotherId() {
    Peer asker = peer("L me");
    Peer sameAddress = new Peer(Peers.id("old-me"), asker.address(), false, Topology.UNKNOWN);
    List<Peer> candidates = new ArrayList<>(peers("L a"));
    candidates.add(sameAddress);

    assertThat(names(PeerSelector.select(candidates, asker, 10, random))).isEqualTo("a");
  }

  @Test
  void noPeersAreReturnedWhenNoneAreWanted() {
    assertThat(PeerSelector.select(peers("L a", "S b"), peer("L me"), 0, random)).isEmpty();
  }

  @Test
  void everyCandidateIsReturnedWhenThereAreFewerThanWanted() {
    List<Peer> chosen = PeerSelector.select(peers("L a", "S b", "L c"), peer("L me"), 50, random);

    assertThat(chosen).hasSize(3).doesNotHaveDuplicates();
  }

  @Test
  void sameRackComesBeforeSameZoneWhichComesBeforeOtherZones() {
    Peer asker = peer("L me z1/r1");
    List<Peer> candidates =
        peers(
            "L far1 z2/r1",
            "L far2 z2/r9",
            "L far3",
            "L zone1 z1/r2",
            "L zone2 z1",
            "L rack1 z1/r1");

    List<Peer> chosen = PeerSelector.select(candidates, asker, 3, random);

    assertThat(names(chosen.subList(0, 1))).isEqualTo("rack1");
    assertThat(names(chosen.subList(1, 3)).split(" ")).containsExactlyInAnyOrder("zone1", "zone2");
  }

  @Test
  void aRackNameInAnotherZoneIsNotTheSameRack() {
    assertThat(PeerSelector.tier(Topology.of("z1", "r1"), Topology.of("z2", "r1"))).isEqualTo(2);
    assertThat(PeerSelector.tier(Topology.of(null, "r1"), Topology.of("z2", "r1"))).isEqualTo(0);
    assertThat(PeerSelector.tier(Topology.UNKNOWN, Topology.of("z1", "r1"))).isEqualTo(2);
  }

  @Test
  void aSeedGetsLeechersBeforeSeeds() {
    Peer asker = peer("S me");
    List<Peer> candidates = peers("S s1", "S s2", "S s3", "L l1", "L l2");

    List<Peer> chosen = PeerSelector.select(candidates, asker, 3, random);

    assertThat(names(chosen.subList(0, 2)).split(" ")).containsExactlyInAnyOrder("l1", "l2");
    assertThat(chosen.get(2).complete()).isTrue();
  }

  @Test
  void aSeedPrefersAFarLeecherToANearSeed() {
    Peer asker = peer("S me z1/r1");
    List<Peer> chosen = PeerSelector.select(peers("S near z1/r1", "L far z2/r2"), asker, 1, random);

    assertThat(names(chosen)).isEqualTo("far");
  }

  @Test
  void aLeecherGetsASeedEvenWhenLeechersAloneWouldFillTheAnswer() {
    Peer asker = peer("L me z1/r1");
    List<Peer> candidates = new ArrayList<>(peers("S seed z9/r9"));
    for (int i = 0; i < 20; i++) {
      candidates.add(peer("L l" + i + " z1/r1"));
    }

    List<Peer> chosen = PeerSelector.select(candidates, asker, 5, random);

    assertThat(chosen).hasSize(5).doesNotHaveDuplicates();
    assertThat(chosen.stream().filter(Peer::complete)).hasSize(1);
    assertThat(chosen.subList(0, 4)).allMatch(p -> p.topology().equals(Topology.of("z1", "r1")));
  }

  @Test
  void aLeecherGetsSeedsAndLeechersMixed() {
    Peer asker = peer("L me");
    List<Peer> candidates = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      candidates.add(peer((i % 2 == 0 ? "S s" : "L l") + i));
    }

    List<Peer> chosen = PeerSelector.select(candidates, asker, 40, random);

    long seeds = chosen.stream().filter(Peer::complete).count();
    assertThat(seeds).isBetween(8L, 32L);
  }

  @Test
  void theSameSeedGivesTheSameChoice() {
    List<Peer> candidates = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      candidates.add(peer("L p" + i));
    }
    Peer asker = peer("L me");

    assertThat(PeerSelector.select(candidates, asker, 10, new Random(7)))
        .isEqualTo(PeerSelector.select(candidates, asker, 10, new Random(7)));
  }

  @Test
  void withThousandsOfPeersEveryPeerIsHandedOutAboutEquallyOften() {
    List<Peer> candidates = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      candidates.add(
          new Peer(
              Peers.id("p" + i),
              new PeerAddress(Peers.ip("10.0.0.2"), 10_000 + i),
              false,
              Topology.UNKNOWN));
    }
    Peer asker = peer("L me");
    Map<Peer, Integer> handedOut = new HashMap<>();

    int rounds = 2_000; // 2000 x 50 / 1000 = 100 expected per peer
    for (int round = 0; round < rounds; round++) {
      List<Peer> chosen = PeerSelector.select(candidates, asker, 50, random);
      assertThat(new HashSet<>(chosen)).hasSize(50);
      chosen.forEach(p -> handedOut.merge(p, 1, Integer::sum));
    }

    assertThat(handedOut).hasSize(1000);
    assertThat(handedOut.values()).allMatch(n -> n > 50 && n < 160);
  }
}
