package io.layerswarm.agent.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.agent.fleet.FleetPoll.Order;
import io.layerswarm.agent.fleet.FleetPoll.Report;
import io.layerswarm.agent.pins.Pin;
import io.layerswarm.agent.pins.PinState;
import io.layerswarm.core.Digest;
import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.core.bencode.BencodeException;
import io.layerswarm.core.topology.Location;
import io.layerswarm.registry.image.Descriptor;
import io.layerswarm.registry.image.Platform;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FleetPollTest {
  private static final URI TRACKER = URI.create("http://10.0.0.5:6969");
  private static final Digest A = new Digest("sha256", "a".repeat(64));
  private static final Digest B = new Digest("sha256", "b".repeat(64));

  private static PinState resolved(Set<Digest> local) {
    Pin pin = Pin.parse("team/app:1", Optional.empty(), new Platform("linux", "amd64"));
    return PinState.initial(pin)
        .resolved(
            new Digest("sha256", "c".repeat(64)),
            List.of(new Descriptor("config", A, 100), new Descriptor("layer", B, 900)),
            local);
  }

  @Test
  void anIdlePollNamesThePortTheIntervalAndTheLocation() {
    URI uri =
        FleetPoll.uri(
            TRACKER, 6881, Duration.ofSeconds(15), Location.of("eu-1", "r7"), Optional.empty());

    assertThat(uri)
        .hasToString("http://10.0.0.5:6969/fleet?port=6881&interval=15&zone=eu-1&rack=r7");
  }

  @Test
  void aReportCarriesProgressAndAnEncodedReasonCutToWhatTheTrackerTakes() {
    Report failed =
        new Report(
            "0123456789abcdef",
            FleetPoll.State.FAILED,
            1,
            2,
            100,
            1000,
            Optional.of("resolving: 404 & more\n" + "x".repeat(500)));

    URI uri =
        FleetPoll.uri(TRACKER, 6881, Duration.ofSeconds(15), Location.UNKNOWN, Optional.of(failed));

    assertThat(uri.getRawQuery())
        .startsWith(
            "port=6881&interval=15&job=0123456789abcdef&state=failed&blobs=1&of=2&bytes=100")
        .contains("&total=1000&error=resolving%3A+404+%26+more%3Fxxx");
    String error = uri.getQuery().substring(uri.getQuery().indexOf("error=") + 6);
    assertThat(error).hasSize(FleetPoll.MAX_ERROR);
  }

  @Test
  void theReportFollowsThePinUntilItsAttemptEnded() {
    PinState half = resolved(Set.of(A));

    Report running = Report.of("0123456789abcdef", half, false);
    Report failed =
        Report.of("0123456789abcdef", half.checked(Instant.EPOCH, Optional.of("boom")), true);
    Report done =
        Report.of(
            "0123456789abcdef",
            resolved(Set.of(A, B)).checked(Instant.EPOCH, Optional.empty()),
            true);

    assertThat(running)
        .isEqualTo(
            new Report(
                "0123456789abcdef", FleetPoll.State.RUNNING, 1, 2, 100, 1000, Optional.empty()));
    assertThat(failed.state()).isEqualTo(FleetPoll.State.FAILED);
    assertThat(failed.error()).contains("boom");
    assertThat(done.state()).isEqualTo(FleetPoll.State.DONE);
    assertThat(done.bytesLocal()).isEqualTo(1000);
  }

  @Test
  void anAnswerHoldsAJobOrNothing() throws Exception {
    byte[] none = Bencode.encode(Map.of());
    byte[] job =
        Bencode.encode(
            Map.of(
                "job",
                Map.of(
                    "id", "0123456789abcdef", "image", "team/app:1", "platform", "linux/arm64")));

    assertThat(FleetPoll.order(none)).isEmpty();
    assertThat(FleetPoll.order(job))
        .contains(new Order("0123456789abcdef", "team/app:1", Optional.of("linux/arm64")));
  }

  @Test
  void aMalformedAnswerIsRefused() {
    assertThatThrownBy(() -> FleetPoll.order("not bencode".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(BencodeException.class);
    assertThatThrownBy(
            () -> FleetPoll.order(Bencode.encode(Map.of("job", Map.of("id", "zz", "image", "x")))))
        .hasMessageContaining("16 hex");
    assertThatThrownBy(() -> FleetPoll.order(Bencode.encode(List.of())))
        .hasMessageContaining("dictionary");
  }
}
