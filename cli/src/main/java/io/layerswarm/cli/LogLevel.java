package io.layerswarm.cli;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks {@code LAYERSWARM_LOG_LEVEL} before logging starts: logback reads it in logback.xml and
 * takes any name it does not know, an empty one included, as DEBUG, which floods the journal
 * unnoticed. A typo is refused instead, like an unknown config key.
 */
final class LogLevel {
  static final String VARIABLE = "LAYERSWARM_LOG_LEVEL";

  /** Logback's level names (case-insensitive); unset means INFO. */
  static final List<String> LEVELS = List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE", "OFF");

  private LogLevel() {}

  /** What is wrong with the variable's value ({@code null}: unset), if anything. */
  static Optional<String> problem(String value) {
    if (value == null || LEVELS.contains(value.toUpperCase(Locale.ROOT))) {
      return Optional.empty();
    }
    return Optional.of(
        VARIABLE
            + "="
            + value
            + " is not a log level; use one of "
            + String.join(", ", LEVELS)
            + " (unset means INFO)");
  }
}
