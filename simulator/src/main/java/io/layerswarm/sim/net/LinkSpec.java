package io.layerswarm.sim.net;

/**
 * A full-duplex link of the topology: a rack's link to its zone, or a zone's link to the core. Each
 * direction is a resource of its own, shared max-min fairly by the flows that cross it.
 *
 * @param upBitsPerSecond capacity away from the hosts (rack to zone, zone to core), in bits per
 *     second ({@code > 0})
 * @param downBitsPerSecond capacity towards the hosts (zone to rack, core to zone), in bits per
 *     second ({@code > 0})
 * @param latencyNanos the one-way delay the link adds to every path that crosses it, in nanoseconds
 *     ({@code >= 0})
 */
public record LinkSpec(long upBitsPerSecond, long downBitsPerSecond, long latencyNanos) {
  public LinkSpec {
    requirePositive("upBitsPerSecond", upBitsPerSecond);
    requirePositive("downBitsPerSecond", downBitsPerSecond);
    requireNotNegative("latencyNanos", latencyNanos);
  }

  /** A link with the same capacity both ways. */
  public static LinkSpec symmetric(long bitsPerSecond, long latencyNanos) {
    return new LinkSpec(bitsPerSecond, bitsPerSecond, latencyNanos);
  }

  static void requirePositive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be > 0: " + value);
    }
  }

  static void requireNotNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0: " + value);
    }
  }
}
