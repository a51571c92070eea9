package io.layerswarm.core.ring;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.testing.ManualClock;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RingMembershipTest {
  private static final URI A = URI.create("http://10.0.0.1:6970");
  private static final URI B = URI.create("http://10.0.0.2:6970");
  private static final URI C = URI.create("http://10.0.0.3:6970");
  private static final SeederRing AB = SeederRing.of(List.of(A, B), 2);
  private static final SeederRing ABC = SeederRing.of(List.of(A, B, C), 2);

  private final ManualClock clock = new ManualClock();
  private final RingMembership membership = new RingMembership(AB, clock);
  private final List<VersionedRing> changes = new ArrayList<>();

  {
    membership.onChange(changes::add);
  }

  @Test
  void theConfiguredRingStartsAtVersionZero() {
    assertThat(membership.current().version()).isZero();
    assertThat(membership.ring()).isSameAs(AB);
    assertThat(membership.previousOwners(Digest.sha256("x".getBytes()), C)).isEmpty();
  }

  @Test
  void aReloadAppliesTheConfigsRingOnlyWhenItChangedSinceTheLastRead() {
    assertThat(membership.configure(SeederRing.of(List.of(B, A), 2))).isFalse();
    assertThat(changes).isEmpty();

    assertThat(membership.configure(ABC)).isTrue();
    assertThat(membership.current().version()).isEqualTo(clock.millis());
    assertThat(changes).hasSize(1);

    // An admin removes C; a reload for another key (the file still says ABC) keeps that.
    clock.advance(Duration.ofSeconds(1));
    assertThat(membership.set(AB)).isTrue();
    assertThat(membership.configure(ABC)).isFalse();
    assertThat(membership.current().sameMembers(AB)).isTrue();
  }

  @Test
  void aChangeGetsAHigherVersionEvenWhenTheClockWentBack() {
    java.util.concurrent.atomic.AtomicReference<java.time.Instant> now =
        new java.util.concurrent.atomic.AtomicReference<>(ManualClock.EPOCH);
    RingMembership stepped = new RingMembership(AB, now::get);
    stepped.set(ABC);
    long first = stepped.current().version();
    now.set(ManualClock.EPOCH.minus(Duration.ofHours(1))); // NTP stepped the clock back

    stepped.set(AB);

    assertThat(stepped.current().version()).isEqualTo(first + 1);
  }

  @Test
  void settingTheCurrentMembersChangesNothing() {
    assertThat(membership.set(SeederRing.of(List.of(B, A), 2))).isFalse();
    assertThat(membership.current().version()).isZero();
    assertThat(changes).isEmpty();
  }

  @Test
  void aMemberTakesANewerRingAndIgnoresAnOlderOne() {
    assertThat(membership.offer(new VersionedRing(10, ABC))).isTrue();
    assertThat(membership.ring().members()).contains(C);

    assertThat(membership.offer(new VersionedRing(9, AB))).isFalse();
    assertThat(membership.offer(new VersionedRing(10, ABC))).isFalse();
    assertThat(membership.offer(new VersionedRing(11, ABC)))
        .as("a newer version of the same members is taken, but no change")
        .isFalse();
    assertThat(membership.current().version()).isEqualTo(11);
    assertThat(changes).hasSize(1);
  }

  @Test
  void twoConflictingChangesAtTheSameVersionEndTheSameOnEveryMember() {
    SeederRing ac = SeederRing.of(List.of(A, C), 2);
    RingMembership one = new RingMembership(AB, clock);
    RingMembership two = new RingMembership(AB, clock);
    one.set(ABC);
    two.set(ac); // the same millisecond: equal versions, other members

    one.offer(two.current());
    two.offer(one.current());

    assertThat(one.current()).isEqualTo(two.current());
  }

  @Test
  void aNewOwnerFindsTheOwnersOfThePreviousRingsAndAnOldOwnerNone() {
    membership.set(ABC);
    int checked = 0;
    for (int i = 0; i < 200; i++) {
      Digest digest = Digest.sha256(("blob-" + i).getBytes());
      if (ABC.owners(digest).contains(C)) {
        assertThat(membership.previousOwners(digest, C)).isEqualTo(AB.owners(digest));
        URI stayed = ABC.owners(digest).get(ABC.owners(digest).get(0).equals(C) ? 1 : 0);
        assertThat(membership.previousOwners(digest, stayed)).as("it owned it before").isEmpty();
        checked++;
      }
    }
    assertThat(checked).isPositive();
  }

  @Test
  void aJoiningSeederLearnsThePreviousOwnersFromTheRingsTheOthersHeld() {
    // C starts with the new list (version 0); A and B still hold A, B. C keeps its own ring (two
    // configs at version 0: neither is a change) but remembers theirs.
    RingMembership c = new RingMembership(ABC, clock);
    RingSync sync =
        new RingSync(
            c,
            member ->
                CompletableFuture.completedFuture(
                    new VersionedRing.WithHistory(new VersionedRing(0, AB), List.of())),
            Optional.of(C));

    sync.syncNow().join();

    assertThat(c.current().sameMembers(ABC)).isTrue();
    Digest digest = digestOwnedBy(C);
    assertThat(c.previousOwners(digest, C)).isEqualTo(AB.owners(digest));
  }

  @Test
  void aSeederThatJoinsAfterTheChangeLearnsTheHistoryFromTheRingsPreviousLines() {
    RingMembership a = new RingMembership(AB, clock);
    a.configure(ABC);
    RingMembership c = new RingMembership(ABC, clock);
    VersionedRing.WithHistory served =
        VersionedRing.parseWithHistory(a.current().encode(a.previousRings()));

    new RingSync(c, member -> CompletableFuture.completedFuture(served), Optional.of(C))
        .syncNow()
        .join();

    assertThat(c.current().version()).isEqualTo(a.current().version());
    Digest digest = digestOwnedBy(C);
    assertThat(c.previousOwners(digest, C)).isEqualTo(AB.owners(digest));
  }

  private static Digest digestOwnedBy(URI member) {
    for (int i = 0; ; i++) {
      Digest digest = Digest.sha256(("blob-" + i).getBytes());
      if (ABC.owners(digest).contains(member)) {
        return digest;
      }
    }
  }

  @Test
  void previousRingsAreBounded() {
    for (int i = 0; i < 10; i++) {
      membership.set(i % 2 == 0 ? ABC : AB);
    }
    Digest digest = Digest.sha256("x".getBytes());
    URI outsider = URI.create("http://10.0.0.9:6970");
    assertThat(membership.previousOwners(digest, outsider)).hasSizeLessThanOrEqualTo(3);
  }

  @Test
  void ringSyncSpreadsAChangeFromOneSeederToAnother() {
    RingMembership seederA = new RingMembership(AB, clock);
    RingMembership tracker = new RingMembership(AB, clock);
    seederA.configure(ABC);
    RingSync sync =
        new RingSync(
            tracker,
            member ->
                member.equals(A)
                    ? CompletableFuture.completedFuture(
                        new VersionedRing.WithHistory(seederA.current(), seederA.previousRings()))
                    : CompletableFuture.failedFuture(new java.io.IOException("refused")),
            Optional.empty());

    sync.syncNow().join();

    assertThat(tracker.current()).isEqualTo(seederA.current());
  }
}
