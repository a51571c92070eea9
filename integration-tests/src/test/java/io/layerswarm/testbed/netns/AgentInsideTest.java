package io.layerswarm.testbed.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentInsideTest {
  static final long S = 32L << 20;

  @Test
  void threadsAreClassedByJvmRoleOrByTheirNameWithoutNumbers() {
    assertThat(AgentInside.threadClass("C2 CompilerThre")).isEqualTo("jit-c2");
    assertThat(AgentInside.threadClass("C1 CompilerThre")).isEqualTo("jit-c1");
    assertThat(AgentInside.threadClass("VM Thread")).isEqualTo("vm+gc");
    assertThat(AgentInside.threadClass("swarm-io-4-2")).isEqualTo("swarm-io");
    assertThat(AgentInside.threadClass("java")).isEqualTo("main");
    assertThat(AgentInside.threadClass("1234")).isEqualTo("other");
  }

  @Test
  void perAgentCpuIsTheGrowthOfEachClassDividedByTheAgents() {
    Map<String, Double> per =
        AgentInside.perAgent(
            Map.of("jit-c2", 4.0, "swarm-io", 1.0), Map.of("jit-c2", 10.0, "swarm-io", 3.0), 4);

    assertThat(per.get("jit-c2")).isCloseTo(1.5, within(1e-9));
    assertThat(per.get("swarm-io")).isCloseTo(0.5, within(1e-9));
  }

  @Test
  void theSectionPutsPayloadInUnitsOfSAndListsEveryBusyThreadClass() {
    SwarmBench.PhaseResult p =
        phase(
            Map.of(
                "agent_payload_bytes",
                Map.of("downloaded", (double) S, "duplicate", S / 20.0, "uploaded", S * 0.9),
                "agent_cpu_by_thread",
                Map.of("jit-c2", 1.25, "swarm-io", 0.5, "idle", 0.01)));
    StringBuilder b = new StringBuilder();

    AgentInside.markdown(b, List.of(p, phase(Map.of())), S);

    String md = b.toString();
    assertThat(md).contains("| 16 | layerswarm-warm | 1.000 | 0.050 | 0.900 | 1.25 | 0.50 | ");
    assertThat(md).contains("jit-c2 s").contains("swarm-io s").doesNotContain("idle");
    assertThat(md.lines().filter(l -> l.startsWith("| 16 |")).count()).isEqualTo(1);
  }

  @Test
  void withoutLayerSwarmPhasesThereIsNoSection() {
    StringBuilder b = new StringBuilder();

    AgentInside.markdown(b, List.of(phase(Map.of())), S);

    assertThat(b).isEmpty();
  }

  private static SwarmBench.PhaseResult phase(Map<String, Object> details) {
    return SwarmBenchTargetsTest.phaseResult(
        details.isEmpty() ? "aria2c" : "layerswarm-warm", 16, List.of(), 1, 0, details);
  }
}
