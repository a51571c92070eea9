package io.layerswarm.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.proto.admin.PinInfo;
import io.layerswarm.proto.admin.PinList;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WaitReadyReportTest {
  private static final PinInfo JDK =
      PinInfo.newBuilder()
          .setReference("base/jdk:17")
          .setComplete(true)
          .setBytes(300L << 20)
          .setLocalBytes(300L << 20)
          .build();
  private static final PinInfo TOMCAT =
      PinInfo.newBuilder()
          .setReference("base/tomcat:10")
          .setComplete(false)
          .setBytes(100L << 20)
          .setLocalBytes(40L << 20)
          .setMissing("2 of 5 blobs local (41943040 of 104857600 bytes)")
          .build();

  @Test
  void theLineShowsTheBytesOfThePinsThatAreLocalAndTheReasonEachIncompletePin() {
    WaitReadyReport report =
        WaitReadyReport.of(
            PinList.newBuilder().addPins(JDK).addPins(TOMCAT).setComplete(false).build(),
            false,
            Duration.ofSeconds(3));

    assertThat(report.ready()).isFalse();
    assertThat(report.line())
        .isEqualTo(
            "[#########################.....] 85.0%  340.0 MiB / 400.0 MiB,"
                + " 1 of 2 pinned images complete");
    assertThat(report.reason())
        .isEqualTo("base/tomcat:10: 2 of 5 blobs local (41943040 of 104857600 bytes)");
  }

  @Test
  void completePinsOfADrainingAgentAreNotReady() {
    WaitReadyReport report =
        WaitReadyReport.of(
            PinList.newBuilder().addPins(JDK).setComplete(true).build(), true, Duration.ZERO);

    assertThat(report.ready()).isFalse();
    assertThat(report.reason()).isEqualTo("the agent is draining");
  }

  @Test
  void noPinsAndAServingAgentAreReadyAtOnce() {
    WaitReadyReport report =
        WaitReadyReport.of(PinList.newBuilder().setComplete(true).build(), false, Duration.ZERO);

    assertThat(report.ready()).isTrue();
    assertThat(report.readyLine()).isEqualTo("ready: 0 pinned images local (0 B) after 0s\n");
  }
}
