package io.layerswarm.tracker.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.topology.Location;
import io.layerswarm.tracker.fleet.AgentReport.Outcome;
import io.layerswarm.tracker.fleet.AgentTask.State;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure schedule of one fleet job, with instants passed in. */
class FleetJobTest {
  private static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");
  private static final FleetJobId ID = new FleetJobId("0123456789abcdef");

  static FleetAgentId agent(int n) {
    return new FleetAgentId(InetAddress.getLoopbackAddress(), 7000 + n);
  }

  static FleetMember member(int n, String zone) {
    return new FleetMember(agent(n), Location.of(zone, null), T0.plusSeconds(60));
  }

  static FleetSpec spec(int maxParallel) {
    return new FleetSpec(
        "registry.test/team/app:1",
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        maxParallel,
        Duration.ofMinutes(10));
  }

  private static FleetJob job(int agents, int maxParallel) {
    List<FleetMember> members = new ArrayList<>();
    for (int i = 0; i < agents; i++) {
      members.add(member(i, null));
    }
    return FleetJob.create(ID, spec(maxParallel), members, T0);
  }

  private static AgentReport report(Outcome outcome, long bytes) {
    return new AgentReport(ID, outcome, 1, 2, bytes, 100, Optional.empty());
  }

  @Test
  void noMoreAgentsRunTheJobAtOnceThanMaxParallel() {
    FleetJob job = job(3, 2);

    job = job.claim(agent(0), T0).claim(agent(1), T0).claim(agent(2), T0);

    assertThat(job.holds(agent(0))).isTrue();
    assertThat(job.holds(agent(1))).isTrue();
    assertThat(job.holds(agent(2))).isFalse();
    assertThat(job.totals().running()).isEqualTo(2);
    assertThat(job.totals().waiting()).isEqualTo(1);
  }

  @Test
  void aSlotFreedByADoneAgentGoesToTheNextOneThatPolls() {
    FleetJob job = job(3, 2).claim(agent(0), T0).claim(agent(1), T0);

    job = job.report(agent(0), report(Outcome.DONE, 100), T0.plusSeconds(5));
    job = job.claim(agent(2), T0.plusSeconds(6));

    assertThat(job.tasks().get(agent(0)).state()).isEqualTo(State.DONE);
    assertThat(job.holds(agent(2))).isTrue();
  }

  @Test
  void anAgentOutsideTheTargetsIsNeverHandedTheJob() {
    FleetJob job = job(2, 5).claim(agent(9), T0);

    assertThat(job.holds(agent(9))).isFalse();
    assertThat(job.tasks()).doesNotContainKey(agent(9));
  }

  @Test
  void aReportRenewsTheLeaseAndSilenceReturnsTheTaskToWaiting() {
    FleetJob job = job(1, 1).claim(agent(0), T0);
    Instant beforeEnd = T0.plus(FleetJob.LEASE).minusSeconds(1);

    job = job.report(agent(0), report(Outcome.RUNNING, 40), beforeEnd);
    assertThat(job.at(T0.plus(FleetJob.LEASE).plusSeconds(1)).holds(agent(0))).isTrue();

    FleetJob silent = job.at(beforeEnd.plus(FleetJob.LEASE).plusSeconds(1));
    assertThat(silent.tasks().get(agent(0)).state()).isEqualTo(State.WAITING);
    assertThat(silent.tasks().get(agent(0)).bytesLocal()).isEqualTo(40);
  }

  @Test
  void aTaskFailsAfterItsLeaseRanOutMaxAttemptsTimes() {
    FleetJob job = job(1, 1);
    Instant now = T0;
    for (int i = 0; i < FleetJob.MAX_ATTEMPTS; i++) {
      job = job.claim(agent(0), now);
      assertThat(job.holds(agent(0))).isTrue();
      now = now.plus(FleetJob.LEASE).plusSeconds(1);
      job = job.at(now);
    }

    AgentTask task = job.tasks().get(agent(0));
    assertThat(task.state()).isEqualTo(State.FAILED);
    assertThat(task.attempts()).isEqualTo(FleetJob.MAX_ATTEMPTS);
    assertThat(task.error()).get().asString().contains("stopped reporting 3 times");
    assertThat(job.ended()).isTrue();
  }

  @Test
  void aDoneReportAfterTheLeaseRanOutStillCounts() {
    FleetJob job = job(1, 1).claim(agent(0), T0);
    Instant late = T0.plus(FleetJob.LEASE).plusSeconds(5);

    job = job.report(agent(0), report(Outcome.DONE, 100), late);

    assertThat(job.tasks().get(agent(0)).state()).isEqualTo(State.DONE);
    assertThat(job.ended()).isTrue();
    assertThat(job.endedAt()).contains(late);
  }

  @Test
  void aRunningReportFromAnAgentNotHoldingTheJobChangesNothing() {
    FleetJob job = job(2, 1).claim(agent(0), T0);

    FleetJob after = job.report(agent(1), report(Outcome.RUNNING, 50), T0.plusSeconds(1));

    assertThat(after.tasks().get(agent(1))).isEqualTo(job.tasks().get(agent(1)));
  }

  @Test
  void aFailureKeepsTheAgentsReason() {
    FleetJob job = job(1, 1).claim(agent(0), T0);
    AgentReport failed =
        new AgentReport(ID, Outcome.FAILED, 0, 0, 0, 0, Optional.of("resolving: 404 not found"));

    job = job.report(agent(0), failed, T0.plusSeconds(2));

    assertThat(job.tasks().get(agent(0)).error()).contains("resolving: 404 not found");
    assertThat(job.totals().failed()).isEqualTo(1);
    assertThat(job.ended()).isTrue();
  }

  @Test
  void atTheDeadlineEveryTaskThatDidNotEndFailsAndSaysWhere() {
    Instant deadline = T0.plus(Duration.ofMinutes(10));
    FleetJob job = job(3, 1).claim(agent(0), deadline.minusSeconds(5));
    job = job.report(agent(0), report(Outcome.RUNNING, 10), deadline.minusSeconds(1));

    job = job.at(deadline);

    assertThat(job.tasks().get(agent(0)).error()).get().asString().contains("while fetching");
    assertThat(job.tasks().get(agent(1)).error())
        .get()
        .asString()
        .contains("before the agent was handed the job");
    assertThat(job.totals().failed()).isEqualTo(3);
    assertThat(job.ended()).isTrue();
  }

  @Test
  void cancellingFailsTheWaitingTasksAndHandsOutNothingMoreWhileRunningOnesGoOn() {
    FleetJob job = job(3, 1).claim(agent(0), T0);

    job = job.cancel("cancelled: the preheat command left", T0.plusSeconds(1));
    job = job.report(agent(0), report(Outcome.DONE, 100), T0.plusSeconds(2));
    FleetJob afterPoll = job.claim(agent(1), T0.plusSeconds(3));

    assertThat(afterPoll.holds(agent(1))).isFalse();
    assertThat(afterPoll.tasks().get(agent(0)).state()).isEqualTo(State.DONE);
    assertThat(afterPoll.tasks().get(agent(1)).error())
        .contains("cancelled: the preheat command left");
    assertThat(afterPoll.ended()).isTrue();
  }

  @Test
  void totalsAddTheReportedBytesOfEveryAgent() {
    FleetJob job = job(2, 2).claim(agent(0), T0).claim(agent(1), T0);

    job = job.report(agent(0), report(Outcome.RUNNING, 30), T0.plusSeconds(1));
    job = job.report(agent(1), report(Outcome.DONE, 100), T0.plusSeconds(1));

    assertThat(job.totals()).isEqualTo(new FleetJob.Totals(2, 0, 1, 1, 0, 130, 200));
  }

  @Test
  void aSelectorTakesOnlyTheAgentsOfItsZone() {
    FleetSpec zoneA =
        new FleetSpec(
            "app:1",
            Optional.empty(),
            Optional.of("a"),
            Optional.empty(),
            1,
            Duration.ofMinutes(1));

    assertThat(member(0, "a").matches(zoneA)).isTrue();
    assertThat(member(1, "b").matches(zoneA)).isFalse();
    assertThat(member(2, null).matches(zoneA)).isFalse();
    assertThat(member(2, null).matches(spec(1))).isTrue();
  }
}
