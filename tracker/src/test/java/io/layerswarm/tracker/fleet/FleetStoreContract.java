package io.layerswarm.tracker.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.topology.Location;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link FleetStore} does; each implementation runs these against itself. */
abstract class FleetStoreContract {
  static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");

  FleetStore store;

  /** A new, empty store that keeps at most {@code maxMembers} agents. */
  abstract FleetStore openStore(int maxMembers);

  @BeforeEach
  void open() {
    store = openStore(4);
  }

  static FleetMember member(int n, Instant until) {
    return new FleetMember(
        new FleetAgentId(InetAddress.getLoopbackAddress(), 7000 + n), Location.UNKNOWN, until);
  }

  static FleetJob job(int n, List<FleetMember> targets) {
    return FleetJob.create(
        new FleetJobId(String.format("%016x", n)), FleetJobTest.spec(1), targets, T0);
  }

  @Test
  void membersAreTheAgentsThatPolledAndHaveNotGoneQuietInAddressOrder() {
    store.seen(member(2, T0.plusSeconds(45)), T0);
    store.seen(member(1, T0.plusSeconds(10)), T0);
    store.seen(member(1, T0.plusSeconds(45)), T0.plusSeconds(5)); // polled again

    assertThat(store.members(T0.plusSeconds(30)))
        .extracting(FleetMember::id)
        .containsExactly(member(1, T0).id(), member(2, T0).id());
    assertThat(store.memberCount(T0.plusSeconds(30))).isEqualTo(2);
    assertThat(store.members(T0.plusSeconds(45))).isEmpty();
    assertThat(store.memberCount(T0.plusSeconds(45))).isZero();
  }

  @Test
  void aNewAgentBeyondTheBoundIsNotRecordedUntilAnotherGoesQuiet() {
    for (int i = 0; i < 4; i++) {
      assertThat(store.seen(member(i, T0.plusSeconds(10 + i)), T0)).isTrue();
    }

    assertThat(store.seen(member(9, T0.plusSeconds(60)), T0.plusSeconds(1))).isFalse();
    assertThat(store.seen(member(0, T0.plusSeconds(60)), T0.plusSeconds(1))).as("known").isTrue();
    assertThat(store.seen(member(9, T0.plusSeconds(60)), T0.plusSeconds(11))).isTrue();
    assertThat(store.members(T0.plusSeconds(11)))
        .extracting(FleetMember::id)
        .contains(member(9, T0).id());
  }

  @Test
  void anUpdateAppliesToTheStoredJobAndAnUnknownJobIsEmpty() throws Exception {
    FleetJob job = job(1, List.of(member(0, T0.plusSeconds(60))));
    store.add(job, T0);

    Optional<FleetJob> claimed = store.update(job.id(), j -> j.claim(member(0, T0).id(), T0));

    assertThat(claimed).get().matches(j -> j.holds(member(0, T0).id()));
    assertThat(store.job(job.id(), T0)).isEqualTo(claimed);
    assertThat(store.update(new FleetJobId("ffffffffffffffff"), j -> j)).isEmpty();
  }

  @Test
  void activeJobsAreTheOnesNotEndedOldestFirst() throws Exception {
    FleetMember m = member(0, T0.plusSeconds(60));
    store.add(job(1, List.of(m)), T0);
    store.add(job(2, List.of(m)), T0);
    store.update(job(1, List.of(m)).id(), j -> j.cancel("stop", T0));

    assertThat(store.active(T0)).extracting(FleetJob::id).containsExactly(job(2, List.of(m)).id());
  }

  @Test
  void aJobBeyondTheActiveBoundIsRefusedAndNothingIsStored() throws Exception {
    FleetMember m = member(0, T0.plusSeconds(60));
    for (int i = 0; i < FleetStore.MAX_ACTIVE_JOBS; i++) {
      store.add(job(i, List.of(m)), T0);
    }

    FleetJob extra = job(999, List.of(m));
    assertThatThrownBy(() -> store.add(extra, T0))
        .isInstanceOf(FleetRefusedException.class)
        .matches(e -> ((FleetRefusedException) e).busy());
    assertThat(store.job(extra.id(), T0)).isEmpty();
  }

  @Test
  void anEndedJobIsForgottenAfterTheKeepTime() throws Exception {
    FleetJob job = job(1, List.of(member(0, T0.plusSeconds(60))));
    store.add(job, T0);
    store.update(job.id(), j -> j.cancel("stop", T0));

    assertThat(store.job(job.id(), T0.plus(FleetStore.KEEP_ENDED).minusSeconds(1))).isPresent();
    assertThat(store.job(job.id(), T0.plus(FleetStore.KEEP_ENDED))).isEmpty();
  }

  @Test
  void theOldestEndedJobsMakeRoomBeyondTheKeptBound() throws Exception {
    FleetMember m = member(0, T0.plusSeconds(60));
    for (int i = 0; i < FleetStore.MAX_KEPT_JOBS; i++) {
      store.add(job(i, List.of(m)), T0);
      store.update(job(i, List.of(m)).id(), j -> j.cancel("stop", T0));
    }

    store.add(job(1000, List.of(m)), T0);

    assertThat(store.job(job(0, List.of(m)).id(), T0)).isEmpty();
    assertThat(store.job(job(1, List.of(m)).id(), T0)).isPresent();
    assertThat(store.job(job(1000, List.of(m)).id(), T0)).isPresent();
  }

  @Test
  void concurrentClaimsNeverHandOutMoreSlotsThanMaxParallel() throws Exception {
    List<FleetMember> targets =
        java.util.stream.IntStream.range(0, 4)
            .mapToObj(i -> member(i, T0.plusSeconds(60)))
            .toList();
    FleetJob job = job(1, targets); // max parallel 1
    store.add(job, T0);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> claims =
          targets.stream()
              .map(
                  m ->
                      pool.submit(
                          () ->
                              store
                                  .update(job.id(), j -> j.claim(m.id(), T0))
                                  .orElseThrow()
                                  .holds(m.id())))
              .toList();
      int held = 0;
      for (Future<Boolean> claim : claims) {
        held += claim.get(10, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(held).isEqualTo(1);
      assertThat(store.job(job.id(), T0).orElseThrow().running()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void ttlIsAFunctionOfTheArgumentsNotOfTheWallClock() {
    store.seen(member(0, T0.plus(Duration.ofDays(400))), T0);

    assertThat(store.members(T0.plus(Duration.ofDays(399)))).hasSize(1);
  }
}
