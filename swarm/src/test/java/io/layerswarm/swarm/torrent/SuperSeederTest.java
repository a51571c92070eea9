package io.layerswarm.swarm.torrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class SuperSeederTest {
  private static final int PIECE = 1000;

  private static SuperSeeder<String> seeder(int pieces, int perPeer) {
    int[] sizes = new int[pieces];
    Arrays.fill(sizes, PIECE);
    return new SuperSeeder<>(sizes, perPeer);
  }

  /** No connected peer announced anything. */
  private static int[] none(int pieces) {
    return new int[pieces];
  }

  private static BitSet bits(int... set) {
    BitSet b = new BitSet();
    for (int i : set) {
      b.set(i);
    }
    return b;
  }

  private static List<Integer> topUp(SuperSeeder<String> s, String peer, BitSet has) {
    return s.topUp(peer, has, none(16));
  }

  @Test
  void peersAreOfferedDifferentPiecesInOrderUntilEveryPieceWasOfferedOnce() {
    SuperSeeder<String> s = seeder(6, 2);

    assertThat(topUp(s, "a", new BitSet())).containsExactly(0, 1);
    assertThat(topUp(s, "b", new BitSet())).containsExactly(2, 3);
    assertThat(topUp(s, "c", new BitSet())).containsExactly(4, 5);
    assertThat(topUp(s, "a", new BitSet())).as("a still has its two offers").isEmpty();
  }

  @Test
  void aPieceTheSwarmHasIsNotOfferedAgainUntilEveryPeerThatHadItLeft() {
    SuperSeeder<String> s = seeder(3, 1);
    topUp(s, "a", new BitSet());
    topUp(s, "b", new BitSet());
    topUp(s, "c", new BitSet());

    assertThat(s.uploaded("a", 0, PIECE)).as("a took piece 0").isTrue();
    assertThat(topUp(s, "a", bits(0))).as("1 and 2 are on their way to b and c").isEmpty();
    s.announced("a", 0);
    s.withdraw("b"); // b left before it took piece 1.

    assertThat(s.topUp("a", bits(0), new int[] {1, 0, 0})).containsExactly(1);
    assertThat(s.offers(1)).isEqualTo(1);
    assertThat(s.topUp("d", new BitSet(), new int[] {1, 0, 0}))
        .as("0 is at a, 1 offered to a, 2 to c")
        .isEmpty();
  }

  @Test
  void aPieceSentWholeCountsAsInTheSwarmUntilAnnouncedOrForTwoTicks() {
    SuperSeeder<String> s = seeder(2, 1);
    topUp(s, "a", new BitSet());
    s.uploaded("a", 0, PIECE);
    topUp(s, "a", new BitSet()); // a is offered piece 1.

    assertThat(topUp(s, "b", new BitSet())).as("a is checking piece 0").isEmpty();
    s.asked("a", 1);
    s.tick("a");
    s.asked("a", 1);
    assertThat(topUp(s, "b", new BitSet())).as("one tick").isEmpty();
    s.tick("a");

    assertThat(topUp(s, "b", new BitSet())).as("never announced").containsExactly(0);
  }

  @Test
  void anOfferIsTakenWhenTheWholePieceWasUploadedOrThePeerAnnouncesIt() {
    SuperSeeder<String> s = seeder(4, 2);
    topUp(s, "a", new BitSet());

    assertThat(s.uploaded("a", 0, PIECE - 1)).isFalse();
    assertThat(s.isOffered("a", 0)).isTrue();
    assertThat(s.uploaded("a", 0, 1)).isTrue();
    assertThat(s.isOffered("a", 0)).isFalse();
    assertThat(s.announced("a", 1)).isTrue();
    assertThat(s.announced("a", 3)).as("never offered to a").isFalse();
  }

  @Test
  void aPeerIsNotOfferedWhatItHas() {
    SuperSeeder<String> s = seeder(4, 2);

    assertThat(topUp(s, "a", bits(0, 2))).containsExactly(1, 3);
  }

  @Test
  void noPeerIsOfferedWhatAnotherPeerAnnounced() {
    SuperSeeder<String> s = seeder(4, 2);

    assertThat(s.topUp("a", new BitSet(), new int[] {0, 1, 0, 2})).containsExactly(0, 2);
  }

  @Test
  void offersAPeerDidNotAskForWithinATickGoToOthers() {
    SuperSeeder<String> s = seeder(4, 1);
    topUp(s, "a", new BitSet());
    topUp(s, "b", new BitSet());
    s.asked("b", 1);

    assertThat(s.tick("a")).isTrue();
    assertThat(s.tick("b")).as("b asked").isFalse();
    assertThat(s.offers(0)).isZero();
    assertThat(topUp(s, "c", new BitSet())).containsExactly(0);
  }

  @Test
  void aChokedOrDepartedPeersOffersAreWithdrawn() {
    SuperSeeder<String> s = seeder(2, 2);
    topUp(s, "a", new BitSet());

    s.withdraw("a");

    assertThat(s.isOffered("a", 0)).isFalse();
    assertThat(topUp(s, "b", new BitSet())).containsExactly(0, 1);
  }

  @Test
  void withManyPeersAndFewPiecesEachPeerGetsFewerOffers() {
    SuperSeeder<String> s = seeder(4, 8);
    topUp(s, "a", new BitSet());
    s.withdraw("a");
    for (String p : new String[] {"a", "b", "c", "d"}) {
      topUp(s, p, new BitSet());
    }
    for (int i = 0; i < 4; i++) {
      assertThat(s.offers(i)).as("piece %d", i).isLessThanOrEqualTo(2);
    }
  }
}
