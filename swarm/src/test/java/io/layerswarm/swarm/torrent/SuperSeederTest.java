package io.layerswarm.swarm.torrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

class SuperSeederTest {
  private static final int PIECE = 1000;

  private static SuperSeeder<String> seeder(int pieces, int perPeer) {
    int[] sizes = new int[pieces];
    Arrays.fill(sizes, PIECE);
    return new SuperSeeder<>(sizes, perPeer);
  }

  private static BitSet bits(int... set) {
    BitSet b = new BitSet();
    for (int i : set) {
      b.set(i);
    }
    return b;
  }

  @Test
  void peersAreOfferedDifferentPiecesInOrderUntilEveryPieceWasOfferedOnce() {
    SuperSeeder<String> s = seeder(6, 2);

    assertThat(s.topUp("a", new BitSet())).containsExactly(0, 1);
    assertThat(s.topUp("b", new BitSet())).containsExactly(2, 3);
    assertThat(s.topUp("c", new BitSet())).containsExactly(4, 5);
    assertThat(s.topUp("a", new BitSet())).as("a still has its two offers").isEmpty();
  }

  @Test
  void aPieceIsOfferedTwiceOnlyOnceEveryPieceWasOfferedOnce() {
    SuperSeeder<String> s = seeder(3, 1);
    s.topUp("a", new BitSet());
    s.topUp("b", new BitSet());
    s.topUp("c", new BitSet());

    assertThat(s.uploaded("a", 0, PIECE)).as("a took piece 0").isTrue();

    assertThat(s.topUp("a", bits(0))).containsExactly(1);
    assertThat(s.offers(1)).isEqualTo(2);
  }

  @Test
  void anOfferIsTakenWhenTheWholePieceWasUploadedOrThePeerAnnouncesIt() {
    SuperSeeder<String> s = seeder(4, 2);
    s.topUp("a", new BitSet());

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

    assertThat(s.topUp("a", bits(0, 2))).containsExactly(1, 3);
  }

  @Test
  void offersAPeerDidNotAskForWithinATickGoToOthers() {
    SuperSeeder<String> s = seeder(4, 1);
    s.topUp("a", new BitSet());
    s.topUp("b", new BitSet());
    s.asked("b", 1);

    assertThat(s.tick("a")).isTrue();
    assertThat(s.tick("b")).as("b asked").isFalse();
    assertThat(s.offers(0)).isZero();
    assertThat(s.topUp("c", new BitSet())).containsExactly(0);
  }

  @Test
  void aChokedOrDepartedPeersOffersAreWithdrawn() {
    SuperSeeder<String> s = seeder(2, 2);
    s.topUp("a", new BitSet());

    s.withdraw("a");

    assertThat(s.isOffered("a", 0)).isFalse();
    assertThat(s.topUp("b", new BitSet())).containsExactly(0, 1);
  }

  @Test
  void withManyPeersAndFewPiecesEachPeerGetsFewerOffers() {
    SuperSeeder<String> s = seeder(4, 8);
    s.topUp("a", new BitSet());
    s.withdraw("a");
    for (String p : new String[] {"a", "b", "c", "d"}) {
      s.topUp(p, new BitSet());
    }
    for (int i = 0; i < 4; i++) {
      assertThat(s.offers(i)).as("piece %d", i).isLessThanOrEqualTo(2);
    }
  }
}
