package io.layerswarm.tracker.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.topology.Location;
import io.layerswarm.testing.ManualClock;
import io.layerswarm.tracker.fleet.AgentReport.Outcome;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The shell the endpoint and the admin API call: polls, jobs, a clock that only moves when told.
 */
class FleetTest {
  private static final Duration EVERY = Duration.ofSeconds(15);
  private final ManualClock clock = new ManualClock();
  private final Fleet fleet = new Fleet(new InMemoryFleetStore(), clock, new Random(7));

  private Optional<FleetOrder> poll(int n, String zone) {
    return fleet.poll(FleetJobTest.agent(n), Location.of(zone, null), EVERY, Optional.empty());
  }

  private Optional<FleetOrder> report(int n, FleetJobId job, Outcome outcome) {
    return fleet.poll(
        FleetJobTest.agent(n),
        Location.UNKNOWN,
        EVERY,
        Optional.of(new AgentReport(job, outcome, 2, 2, 10, 10, Optional.empty())));
  }

  private static FleetSpec spec(String zone, int parallel) {
    return new FleetSpec(
        "team/app:1",
        Optional.of("linux/arm64"),
        Optional.ofNullable(zone),
        Optional.empty(),
        parallel,
        Duration.ofMinutes(5));
  }

  @Test
  void aJobTakesTheAgentsOfItsSelectorThatPolledLately() throws Exception {
    poll(0, "a");
    poll(1, "b");
    poll(2, "a");
    clock.advance(EVERY.multipliedBy(Fleet.PRESENT_INTERVALS).minusSeconds(1));
    poll(2, "a"); // 0 went quiet, 2 polled again

    clock.advance(Duration.ofSeconds(2));
    FleetJob job = fleet.start(spec("a", 5));

    assertThat(job.tasks()).containsOnlyKeys(FleetJobTest.agent(2));
  }

  @Test
  void noMatchingAgentRefusesTheJobAndSaysHowManyPolled() {
    poll(0, "b");

    assertThatThrownBy(() -> fleet.start(spec("a", 1)))
        .isInstanceOf(FleetRefusedException.class)
        .hasMessageContaining("zone a")
        .hasMessageContaining("1 agent(s) polled");
  }

  @Test
  void pollsHandOutTheJobOneSlotAtATimeAndADoneReportFreesIt() throws Exception {
    poll(0, null);
    poll(1, null);
    FleetJob job = fleet.start(spec(null, 1));

    Optional<FleetOrder> first = poll(0, null);
    Optional<FleetOrder> second = poll(1, null);

    assertThat(first)
        .contains(new FleetOrder(job.id(), job.spec().image(), Optional.of("linux/arm64")));
    assertThat(second).isEmpty();
    assertThat(report(0, job.id(), Outcome.RUNNING)).as("still its job").isEqualTo(first);
    assertThat(report(0, job.id(), Outcome.DONE)).isEmpty();
    assertThat(poll(1, null)).map(FleetOrder::job).contains(job.id());
  }

  @Test
  void anAgentRunningOneJobIsNotHandedAnotherUntilItEnds() throws Exception {
    poll(0, null);
    FleetJob a = fleet.start(spec(null, 1));
    assertThat(poll(0, null)).map(FleetOrder::job).contains(a.id());
    FleetJob b = fleet.start(spec(null, 1));

    assertThat(report(0, a.id(), Outcome.RUNNING)).map(FleetOrder::job).contains(a.id());
    assertThat(report(0, a.id(), Outcome.DONE)).map(FleetOrder::job).contains(b.id());
    assertThat(fleet.job(a.id()).orElseThrow().ended()).isTrue();
  }

  @Test
  void aCancelledJobIsHandedToNobodyMore() throws Exception {
    poll(0, null);
    poll(1, null);
    FleetJob job = fleet.start(spec(null, 2));

    fleet.cancel(job.id(), "cancelled");

    assertThat(poll(0, null)).isEmpty();
    assertThat(fleet.job(job.id()).orElseThrow().ended()).isTrue();
  }
}
