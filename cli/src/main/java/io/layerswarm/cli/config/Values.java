package io.layerswarm.cli.config;

import io.layerswarm.core.disk.SpaceLimit;
import io.layerswarm.core.topology.Location;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses config values. Every error names the key, so the admin knows what to fix. */
final class Values {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final Pattern BYTES = Pattern.compile("(\\d+)\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)");

  private Values() {}

  /**
   * {@code <role>.zone} and {@code <role>.rack}: each absent or blank (unknown), or a label of
   * 1..64 characters of {@code [A-Za-z0-9._-]}.
   */
  static Location location(String role, String zone, String rack) throws ConfigException {
    Optional<String> z = label(zone);
    Optional<String> r = label(rack);
    try {
      Location.checkLabel(role + ".zone", z);
      Location.checkLabel(role + ".rack", r);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
    return new Location(z, r);
  }

  private static Optional<String> label(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  /** {@code host:port}, {@code [v6]:port} or {@code :port} (all interfaces). */
  static InetSocketAddress address(String key, String value) throws ConfigException {
    int colon = value.lastIndexOf(':');
    if (colon < 0) {
      throw new ConfigException(key + ": '" + value + "' is not host:port");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new ConfigException(key + ": port in '" + value + "' is not a number");
    }
    if (port < 0 || port > 65535) {
      throw new ConfigException(key + ": port " + port + " is out of range 0..65535");
    }
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }

  /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}. */
  static Duration duration(String key, String value) throws ConfigException {
    Matcher m = DURATION.matcher(value.trim());
    if (!m.matches()) {
      throw new ConfigException(
          key + ": '" + value + "' is not a duration; write for example 500ms, 30s, 5m, 2h or 1d");
    }
    try {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    } catch (NumberFormatException | ArithmeticException e) {
      throw new ConfigException(key + ": '" + value + "' is too long");
    }
  }

  /** A byte count: {@code 0}, {@code 1048576}, {@code 100KiB}, {@code 50MB}, {@code 1GiB}. */
  static long bytes(String key, String value) throws ConfigException {
    Matcher m = BYTES.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new ConfigException(
          key
              + ": '"
              + value
              + "' is not a byte amount; write for example 0, 500KiB, 100MiB or 1GB");
    }
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new ConfigException(key + ": '" + value + "' is too large");
    }
    long unit =
        switch (m.group(2)) {
          case "", "b" -> 1L;
          case "k", "kib" -> 1L << 10;
          case "kb" -> 1000L;
          case "m", "mib" -> 1L << 20;
          case "mb" -> 1000_000L;
          case "g", "gib" -> 1L << 30;
          default -> 1000_000_000L;
        };
    try {
      return Math.multiplyExact(n, unit);
    } catch (ArithmeticException e) {
      throw new ConfigException(key + ": '" + value + "' is too large");
    }
  }

  /** A byte count ({@link #bytes}) of at most {@code max}. */
  static long bytesInRange(String key, String value, long max) throws ConfigException {
    long n = bytes(key, value);
    if (n > max) {
      throw new ConfigException(key + ": " + value + " is over the limit of " + max + " bytes");
    }
    return n;
  }

  /** Disk space as a byte amount ({@link #bytes}) or a share of the file system: {@code 10%}. */
  static SpaceLimit spaceLimit(String key, String value) throws ConfigException {
    String trimmed = value.trim();
    if (trimmed.endsWith("%")) {
      int percent;
      try {
        percent = Integer.parseInt(trimmed.substring(0, trimmed.length() - 1).trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(
            key + ": '" + value + "' is not a share; write for example 10% (or a byte amount)");
      }
      if (percent < 0 || percent > 100) {
        throw new ConfigException(key + ": " + percent + "% is out of range 0..100%");
      }
      return SpaceLimit.ofPercent(percent);
    }
    return SpaceLimit.ofBytes(bytes(key, value));
  }

  /** An http or https URL without a trailing slash. */
  static URI httpUrl(String key, String value) throws ConfigException {
    URI uri;
    try {
      uri = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
    } catch (URISyntaxException e) {
      throw new ConfigException(key + ": '" + value + "' is not a URL: " + e.getReason());
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw new ConfigException(
          key + ": '" + value + "' must be an http:// or https:// URL with a host");
    }
    // A '#' is never sent to a server, so "http://1#27.0.0.1:5000" would quietly mean host "1".
    if (uri.getRawFragment() != null) {
      throw new ConfigException(key + ": '" + value + "' has a '#fragment'; remove it");
    }
    return uri;
  }

  /** A file system path that must be there: a key that is set but names no path is an error. */
  static Path path(String key, String value) throws ConfigException {
    return optionalPath(key, value)
        .orElseThrow(() -> new ConfigException(key + ": '" + value + "' is not a path"));
  }

  /** A file system path; the empty string means none (the feature is off). */
  static Optional<Path> optionalPath(String key, String value) throws ConfigException {
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Path.of(value));
    } catch (InvalidPathException e) {
      throw new ConfigException(key + ": '" + value + "' is not a path: " + e.getReason());
    }
  }

  static int intInRange(String key, int value, int min, int max) throws ConfigException {
    if (value < min || value > max) {
      throw new ConfigException(key + ": " + value + " is out of range " + min + ".." + max);
    }
    return value;
  }

  /** An unset or blank key: the feature it names is off. */
  static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
