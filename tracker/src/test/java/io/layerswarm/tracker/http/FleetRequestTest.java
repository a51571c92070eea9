package io.layerswarm.tracker.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.topology.Location;
import io.layerswarm.tracker.fleet.AgentReport;
import io.layerswarm.tracker.fleet.FleetJobId;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FleetRequestTest {
  @Test
  void aPollWithoutAJobCarriesPortIntervalAndLocation() {
    FleetRequest r = FleetRequest.parse("port=6881&interval=15&zone=eu-1&rack=r7");

    assertThat(r.port()).isEqualTo(6881);
    assertThat(r.interval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(r.location()).isEqualTo(Location.of("eu-1", "r7"));
    assertThat(r.report()).isEmpty();
  }

  @Test
  void aReportCarriesTheJobsProgressAndTheAgentsReason() {
    FleetRequest r =
        FleetRequest.parse(
            "port=6881&interval=15&job=0123456789abcdef&state=failed&blobs=1&of=4&bytes=10"
                + "&total=400&error=resolving%3A+404");

    assertThat(r.report())
        .contains(
            new AgentReport(
                new FleetJobId("0123456789abcdef"),
                AgentReport.Outcome.FAILED,
                1,
                4,
                10,
                400,
                Optional.of("resolving: 404")));
  }

  @Test
  void eachBadParameterIsNamed() {
    assertThatThrownBy(() -> FleetRequest.parse("interval=15")).hasMessage("port is missing");
    assertThatThrownBy(() -> FleetRequest.parse("port=0&interval=15")).hasMessageContaining("port");
    assertThatThrownBy(() -> FleetRequest.parse("port=1&interval=3601"))
        .hasMessageContaining("interval");
    assertThatThrownBy(() -> FleetRequest.parse("port=1&port=2&interval=5"))
        .hasMessageContaining("more than once");
    assertThatThrownBy(() -> FleetRequest.parse("port=1&interval=5&zone=a%20b"))
        .hasMessageContaining("zone");
    assertThatThrownBy(() -> FleetRequest.parse("port=1&interval=5&job=xyz&state=done"))
        .hasMessageStartingWith("job:");
    assertThatThrownBy(() -> FleetRequest.parse("port=1&interval=5&job=0123456789abcdef&state=ok"))
        .hasMessageContaining("running, done or failed");
    assertThatThrownBy(
            () -> FleetRequest.parse("port=1&interval=5&job=0123456789abcdef&state=done&bytes=-1"))
        .hasMessageContaining("bytes");
    assertThatThrownBy(
            () ->
                FleetRequest.parse(
                    "port=1&interval=5&job=0123456789abcdef&state=failed&error="
                        + "x".repeat(AgentReport.MAX_ERROR + 1)))
        .hasMessageContaining("error");
  }
}
