package io.layerswarm.core.ring;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HealthCheckerTest {
  private static final URI A = URI.create("http://10.0.0.1:6970");
  private static final URI B = URI.create("http://10.0.0.2:6970");
  private static final URI C = URI.create("http://10.0.0.3:6970");
  private static final Digest DIGEST = Digest.sha256("layer".getBytes());

  /** Answers from a set of down members, at once; or holds answers for {@link #pending}. */
  private static final class FakeProbe implements HealthProbe {
    final Set<URI> down = new HashSet<>();
    final Map<URI, Integer> probes = new HashMap<>();
    boolean hold;
    final Map<URI, CompletableFuture<Void>> pending = new HashMap<>();

    @Override
    public synchronized CompletableFuture<Void> probe(URI member) {
      probes.merge(member, 1, Integer::sum);
      if (hold) {
        CompletableFuture<Void> answer = new CompletableFuture<>();
        pending.put(member, answer);
        return answer;
      }
      return down.contains(member)
          ? CompletableFuture.failedFuture(new IOException("connection refused"))
          : CompletableFuture.completedFuture(null);
    }
  }

  private final FakeProbe probe = new FakeProbe();
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2025-01-01T00:00:00Z"));
  private final SeederRing ring = SeederRing.of(List.of(A, B, C), 2);
  private final HealthChecker checker = new HealthChecker(ring, probe, now::get);

  @Test
  void membersAreAliveBeforeTheFirstCheck() {
    assertThat(checker.members()).allMatch(MemberHealth::alive);
    assertThat(checker.liveOwners(DIGEST)).isEqualTo(ring.owners(DIGEST));
  }

  @Test
  void oneFailedProbeIsNotEnoughTwoInARowMarkAMemberDead() {
    URI owner = ring.owners(DIGEST).get(0);
    probe.down.add(owner);

    checker.checkNow().join();
    assertThat(checker.isAlive(owner)).isTrue();
    checker.checkNow().join();

    assertThat(checker.isAlive(owner)).isFalse();
    assertThat(checker.liveOwners(DIGEST))
        .hasSize(2)
        .doesNotContain(owner)
        .isEqualTo(ring.owners(DIGEST, m -> !m.equals(owner)));
    MemberHealth health =
        checker.members().stream().filter(h -> h.id().equals(owner)).findFirst().orElseThrow();
    assertThat(health.consecutiveFailures()).isEqualTo(2);
    assertThat(health.lastError()).hasValueSatisfying(e -> assertThat(e).contains("refused"));
    assertThat(health.lastCheck()).contains(now.get());
  }

  @Test
  void oneSuccessBringsADeadMemberBack() {
    probe.down.add(B);
    checker.checkNow().join();
    checker.checkNow().join();
    assertThat(checker.isAlive(B)).isFalse();

    probe.down.clear();
    now.set(now.get().plusSeconds(5));
    checker.checkNow().join();

    assertThat(checker.isAlive(B)).isTrue();
    assertThat(checker.members())
        .allMatch(h -> h.consecutiveFailures() == 0 && h.lastError().isEmpty());
    assertThat(checker.liveOwners(DIGEST)).isEqualTo(ring.owners(DIGEST));
  }

  @Test
  void ownersShrinkToTheLiveMembersAndVanishWhenAllAreDead() {
    probe.down.addAll(List.of(A, B));
    checker.checkNow().join();
    checker.checkNow().join();
    assertThat(checker.liveOwners(DIGEST)).containsExactly(C);

    probe.down.add(C);
    checker.checkNow().join();
    checker.checkNow().join();
    assertThat(checker.liveOwners(DIGEST)).isEmpty();
    assertThat(checker.candidates(DIGEST)).isEqualTo(ring.rank(DIGEST));
  }

  @Test
  void candidatesPutLiveOwnersFirstThenLiveOthersThenTheDead() {
    List<URI> rank = ring.rank(DIGEST);
    probe.down.add(rank.get(0));
    checker.checkNow().join();
    checker.checkNow().join();

    assertThat(checker.candidates(DIGEST)).containsExactly(rank.get(1), rank.get(2), rank.get(0));
  }

  @Test
  void reportedFailuresCountLikeFailedProbes() {
    checker.reportFailure(URI.create("http://10.0.0.1:6970/"), new IOException("reset"));
    checker.reportFailure(A, new IOException("reset"));
    checker.reportFailure(URI.create("http://elsewhere:1"), new IOException("ignored"));

    assertThat(checker.isAlive(A)).isFalse();
  }

  @Test
  void aScheduledRoundIsSkippedWhileThePreviousOneWaitsForAProbe() {
    probe.hold = true;
    ManualScheduler scheduler = new ManualScheduler();
    checker.start(scheduler, Duration.ofSeconds(5));

    scheduler.runPeriodic();
    scheduler.runPeriodic();
    assertThat(probe.probes).containsEntry(A, 1);

    probe.pending.values().forEach(answer -> answer.complete(null));
    scheduler.runPeriodic();
    assertThat(probe.probes).containsEntry(A, 2);
    checker.close();
    assertThat(scheduler.cancelled).isTrue();
  }

  @Test
  void anUpdatedRingKeepsTheHealthOfMembersThatStayAndStartsNewOnesAlive() {
    URI d = URI.create("http://10.0.0.4:6970");
    probe.down.add(B);
    checker.checkNow().join();
    checker.checkNow().join();
    assertThat(checker.isAlive(B)).isFalse();

    checker.update(SeederRing.of(List.of(B, C, d), 2));

    assertThat(checker.ring().members()).containsExactly(B, C, d);
    assertThat(checker.isAlive(B)).as("B is still dead").isFalse();
    assertThat(checker.isAlive(d)).as("a new member starts alive").isTrue();
    assertThat(checker.isAlive(A)).as("a removed member is no candidate").isFalse();
    assertThat(checker.candidates(DIGEST)).containsExactlyInAnyOrder(B, C, d).doesNotContain(A);
    probe.probes.clear();
    checker.checkNow().join();
    assertThat(probe.probes.keySet()).containsExactlyInAnyOrder(B, C, d);
  }
}
