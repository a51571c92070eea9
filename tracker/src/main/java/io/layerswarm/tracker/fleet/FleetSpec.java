package io.layerswarm.tracker.fleet;

import io.layerswarm.core.topology.Location;
import io.layerswarm.registry.image.ImageReference;
import io.layerswarm.registry.image.Platform;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What an admin asked for: the image, its platform (empty: each agent's own), which agents (zone
 * and rack, each optional: all agents when both are empty), how many agents fetch at once, and how
 * long the job may take.
 *
 * @throws IllegalArgumentException naming the field when a value is out of bounds
 */
public record FleetSpec(
    String image,
    Optional<String> platform,
    Optional<String> zone,
    Optional<String> rack,
    int maxParallel,
    Duration timeout) {
  public static final int DEFAULT_MAX_PARALLEL = 16;
  public static final int MAX_PARALLEL = 10_000;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
  public static final Duration MAX_TIMEOUT = Duration.ofHours(24);

  /** An image reference longer than this is refused (it travels in every poll answer). */
  public static final int MAX_IMAGE = 512;

  public FleetSpec {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(timeout, "timeout");
    if (image.length() > MAX_IMAGE) {
      throw new IllegalArgumentException(
          "image: at most " + MAX_IMAGE + " characters, got " + image.length());
    }
    try {
      image = ImageReference.parse(image.trim()).toString();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("image: " + e.getMessage(), e);
    }
    if (platform.isPresent()) {
      try {
        platform = Optional.of(Platform.parse(platform.get().trim()).toString());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("platform: " + e.getMessage(), e);
      }
    }
    new Location(zone, rack); // checks both labels, naming the bad one
    if (maxParallel < 1 || maxParallel > MAX_PARALLEL) {
      throw new IllegalArgumentException(
          "max_parallel must be 1.." + MAX_PARALLEL + ", got " + maxParallel);
    }
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException(
          "timeout must be more than 0 and at most " + MAX_TIMEOUT.toHours() + "h, got " + timeout);
    }
  }

  /** The selector in a few words, for messages: {@code zone a, rack r1} or {@code every agent}. */
  public String selector() {
    if (zone.isEmpty() && rack.isEmpty()) {
      return "every agent";
    }
    StringBuilder s = new StringBuilder();
    zone.ifPresent(z -> s.append("zone ").append(z));
    rack.ifPresent(r -> s.append(s.length() > 0 ? ", " : "").append("rack ").append(r));
    return s.toString();
  }
}
