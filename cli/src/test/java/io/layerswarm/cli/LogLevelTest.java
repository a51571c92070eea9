package io.layerswarm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogLevelTest {
  @Test
  void anUnsetVariableMeansTheDefault() {
    assertThat(LogLevel.problem(null)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"DEBUG", "debug", "Info", "WARN", "error", "TRACE", "off"})
  void everyLevelLogbackKnowsIsAcceptedInAnyCase(String level) {
    assertThat(LogLevel.problem(level)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"verbose", "", "WARNING", "2"})
  void anythingElseIsRefusedWithTheValidLevels(String level) {
    assertThat(LogLevel.problem(level))
        .hasValue(
            "LAYERSWARM_LOG_LEVEL="
                + level
                + " is not a log level; use one of ERROR, WARN, INFO, DEBUG, TRACE, OFF"
                + " (unset means INFO)");
  }
}
