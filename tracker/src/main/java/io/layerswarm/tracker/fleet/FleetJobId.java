package io.layerswarm.tracker.fleet;

import java.util.HexFormat;
import java.util.Objects;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/** A fleet job's name: 16 lowercase hex characters, drawn at random by the tracker. */
public record FleetJobId(String value) {
  private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{16}");

  public FleetJobId {
    Objects.requireNonNull(value, "value");
    if (!FORMAT.matcher(value).matches()) {
      throw new IllegalArgumentException("a fleet job id is 16 lowercase hex characters");
    }
  }

  public static FleetJobId random(RandomGenerator random) {
    return new FleetJobId(HexFormat.of().toHexDigits(random.nextLong()));
  }

  @Override
  public String toString() {
    return value;
  }
}
