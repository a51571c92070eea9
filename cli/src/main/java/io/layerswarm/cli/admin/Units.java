package io.layerswarm.cli.admin;

import java.time.Duration;
import java.util.Locale;

/** How admin tables write sizes, rates, shares and durations. Pure; English, Locale.ROOT. */
final class Units {
  private static final String[] BINARY = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private Units() {}

  /** {@code 512 B}, {@code 1.5 KiB}, {@code 12.0 MiB}, {@code 3.2 GiB}: powers of 1024. */
  static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < BINARY.length - 1) {
      value /= 1024;
      unit++;
    }
    // 1023.96 KiB would print as "1024.0 KiB"; carry it to the next unit instead.
    if (Math.round(value * 10) >= 10240 && unit < BINARY.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, BINARY[unit]);
  }

  /** {@link #bytes} per second, e.g. {@code 12.5 MiB/s}. */
  static String rate(double bytesPerSecond) {
    return bytes(Math.round(bytesPerSecond)) + "/s";
  }

  /** {@code 41.0%}. */
  static String percent(double percent) {
    return String.format(Locale.ROOT, "%.1f%%", percent);
  }

  /** The two largest units: {@code 45s}, {@code 1m 30s}, {@code 2h 5m}, {@code 3d 4h}. */
  static String duration(Duration duration) {
    long s = Math.max(0, duration.toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m " + s % 60 + "s";
    }
    if (s < 86_400) {
      return s / 3600 + "h " + s % 3600 / 60 + "m";
    }
    return s / 86_400 + "d " + s % 86_400 / 3600 + "h";
  }
}
