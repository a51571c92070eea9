package io.layerswarm.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.agent.pins.Pin;
import io.layerswarm.agent.pins.PinsConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PinSettingsTest {
  private static Settings settings(String yaml) throws ConfigException {
    return Settings.of(ConfigLoader.parse(yaml, "agent.yaml", Map.of()), "agent.yaml");
  }

  @Test
  void noPinsByDefaultRefreshedEveryFiveMinutes() throws Exception {
    PinsConfig pins = settings("agent:\n  listen: 127.0.0.1:5051\n").agentPins();

    assertThat(pins.pins()).isEmpty();
    assertThat(pins.refresh()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void aPlainStringTakesTheHostPlatformAndAMapItsOwn() throws Exception {
    PinsConfig pins =
        settings(
                """
                agent:
                  pins:
                    - registry.test:5000/base/jdk:17
                    - {ref: registry.test:5000/base/tomcat:10, platform: linux/arm64}
                  pins-refresh: 30s
                """)
            .agentPins();

    assertThat(pins.pins())
        .extracting(Pin::toString)
        .containsExactly(
            "registry.test:5000/base/jdk:17 (" + Pin.hostPlatform() + ")",
            "registry.test:5000/base/tomcat:10 (linux/arm64)");
    assertThat(pins.refresh()).isEqualTo(Duration.ofSeconds(30));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "- Base/JDK:17|agent.pins[0]: image reference Base/JDK:17",
        "- ok/image:1\\n- {ref: base/jdk:17, platform: amd64}|agent.pins[1]: platform",
        "- {platform: linux/amd64}|agent.pins[0]: the image reference (ref) is missing",
        "- base/jdk:17\\n- base/jdk:17|agent.pins[1]: base/jdk:17",
        "- {ref: base/jdk:17, arch: amd64}|unknown key 'agent.pins[0].arch'"
      })
  void aBadEntryStopsWithOneLineNamingTheKeyAndTheEntry(String entries, String expected) {
    String yaml = "agent:\n  pins:\n    " + entries.replace("\\n", "\n    ") + "\n";

    assertThatThrownBy(() -> settings(yaml).agentPins())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("agent.yaml: ")
        .hasMessageContaining(expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aBadRefreshNamesTheKey() {
    assertThatThrownBy(() -> settings("agent:\n  pins-refresh: soon\n").agentPins())
        .hasMessageContaining("agent.pins-refresh");
  }

  @Test
  void printedConfigShowsEachPinWithItsPlatform() throws Exception {
    String printed =
        ConfigPrinter.yaml(
            settings("agent:\n  pins:\n    - base/jdk:17\n  pins-refresh: 1m\n").file());

    assertThat(printed)
        .contains("pins:\n  - ref: base/jdk:17\n    platform: " + Pin.hostPlatform())
        .contains("pins-refresh: 1m");
  }
}
