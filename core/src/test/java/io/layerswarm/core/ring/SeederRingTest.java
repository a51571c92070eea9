package io.layerswarm.core.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.Digest;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeederRingTest {
  private static final List<URI> FIVE = seeders(5);

  private static List<URI> seeders(int n) {
    List<URI> members = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      members.add(URI.create("http://10.0.0." + i + ":6970"));
    }
    return members;
  }

  private static List<Digest> digests(int n) {
    List<Digest> digests = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      digests.add(Digest.sha256(("blob-" + i).getBytes()));
    }
    return digests;
  }

  @Test
  void ownershipIsStableAndIndependentOfMemberOrderAndUrlSpelling() {
    SeederRing ring = SeederRing.of(FIVE, 2);
    List<URI> reversed = new ArrayList<>(FIVE);
    java.util.Collections.reverse(reversed);
    List<URI> respelled = new ArrayList<>();
    for (URI member : reversed) {
      respelled.add(URI.create(member.toString().replace("http", "HTTP") + "/"));
    }
    SeederRing other = SeederRing.of(respelled, 2);

    for (Digest digest : digests(200)) {
      assertThat(ring.owners(digest))
          .hasSize(2)
          .isEqualTo(other.owners(digest))
          .isEqualTo(SeederRing.of(FIVE, 2).owners(digest));
    }
  }

  @Test
  void theOwnersAreTheFirstRMembersOfTheRank() {
    SeederRing ring = SeederRing.of(FIVE, 3);
    Digest digest = digests(1).get(0);

    assertThat(ring.rank(digest)).hasSize(5).containsExactlyInAnyOrderElementsOf(FIVE);
    assertThat(ring.owners(digest)).isEqualTo(ring.rank(digest).subList(0, 3));
  }

  @Test
  void replicasAreCappedAtTheNumberOfMembersAlive() {
    SeederRing ring = SeederRing.of(seeders(3), 5);
    Digest digest = digests(1).get(0);

    assertThat(ring.owners(digest)).hasSize(3);
    URI only = ring.rank(digest).get(2);
    assertThat(ring.owners(digest, only::equals)).containsExactly(only);
    assertThat(ring.owners(digest, member -> false)).isEmpty();
  }

  @Test
  void digestsSpreadEvenlyOverTheMembers() {
    SeederRing ring = SeederRing.of(seeders(4), 1);
    Map<URI, Integer> owned = new HashMap<>();
    for (Digest digest : digests(1000)) {
      owned.merge(ring.owners(digest).get(0), 1, Integer::sum);
    }

    // 250 each on average; a binomial(1000, 1/4) stays within +-60 with overwhelming probability.
    assertThat(owned).hasSize(4);
    assertThat(owned.values()).allSatisfy(count -> assertThat(count).isBetween(190, 310));
  }

  @Test
  void withTwoReplicasEveryMemberHoldsAboutTwoFifthsOfTheDigests() {
    SeederRing ring = SeederRing.of(FIVE, 2);
    Map<URI, Integer> held = new HashMap<>();
    for (Digest digest : digests(1000)) {
      for (URI owner : ring.owners(digest)) {
        held.merge(owner, 1, Integer::sum);
      }
    }

    assertThat(held.values()).allSatisfy(count -> assertThat(count).isBetween(330, 470));
  }

  @Test
  void whenAMemberLeavesOnlyTheDigestsItOwnedMoveAndEachKeepsItsOtherOwner() {
    SeederRing before = SeederRing.of(FIVE, 2);
    URI leaving = FIVE.get(2);
    List<URI> remaining = new ArrayList<>(FIVE);
    remaining.remove(leaving);
    SeederRing after = SeederRing.of(remaining, 2);
    int moved = 0;

    for (Digest digest : digests(1000)) {
      List<URI> old = before.owners(digest);
      List<URI> now = after.owners(digest);
      if (!old.contains(leaving)) {
        assertThat(now).as("owners of %s", digest).isEqualTo(old);
      } else {
        moved++;
        Set<URI> kept = new HashSet<>(old);
        kept.remove(leaving);
        assertThat(now).containsAll(kept).doesNotContain(leaving);
      }
    }
    assertThat(moved).isBetween(330, 470); // R/n = 2/5 of the digests
  }

  @Test
  void whenAMemberJoinsItTakesAboutRoverNAndNothingElseMoves() {
    SeederRing before = SeederRing.of(FIVE, 2);
    URI joining = URI.create("http://10.0.0.99:6970");
    List<URI> grown = new ArrayList<>(FIVE);
    grown.add(joining);
    SeederRing after = SeederRing.of(grown, 2);
    int taken = 0;

    for (Digest digest : digests(1000)) {
      List<URI> now = after.owners(digest);
      if (now.contains(joining)) {
        taken++;
        Set<URI> changed = new HashSet<>(before.owners(digest));
        changed.removeAll(now);
        assertThat(changed).hasSize(1); // exactly one old owner gave way
      } else {
        assertThat(now).isEqualTo(before.owners(digest));
      }
    }
    assertThat(taken).isBetween(260, 410); // 2/6 of 1000 = 333
  }

  @Test
  void liveOwnersSkipDeadMembersInRankOrder() {
    SeederRing ring = SeederRing.of(FIVE, 2);
    Digest digest = digests(1).get(0);
    List<URI> rank = ring.rank(digest);
    URI dead = rank.get(0);

    assertThat(ring.owners(digest, member -> !member.equals(dead)))
        .containsExactly(rank.get(1), rank.get(2));
  }

  @Test
  void badMembersAreRejectedNamingThem() {
    assertThatThrownBy(() -> SeederRing.of(List.of(), 2)).hasMessageContaining("at least one");
    assertThatThrownBy(() -> SeederRing.of(FIVE, 0)).hasMessageContaining("replicas");
    assertThatThrownBy(
            () -> SeederRing.of(List.of(URI.create("http://a:1"), URI.create("http://A:1/")), 2))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> SeederRing.of(List.of(URI.create("ftp://a:1")), 2))
        .hasMessageContaining("ftp://a:1");
    assertThatThrownBy(() -> SeederRing.of(List.of(URI.create("a:1")), 2))
        .hasMessageContaining("absolute");
  }

  @Test
  void memberIdsAreNormalized() {
    assertThat(SeederRing.memberId(URI.create("HTTP://Seeder-1.Example:6970/")))
        .isEqualTo(URI.create("http://seeder-1.example:6970"));
    assertThat(SeederRing.of(FIVE, 2).contains(URI.create("http://10.0.0.1:6970/"))).isTrue();
  }
}
