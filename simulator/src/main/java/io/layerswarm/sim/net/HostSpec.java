package io.layerswarm.sim.net;

/**
 * A host's network card: what it can send and receive, and its share of every path's delay.
 *
 * @param uploadBitsPerSecond the host's send capacity, in bits per second ({@code > 0})
 * @param downloadBitsPerSecond the host's receive capacity, in bits per second ({@code > 0})
 * @param latencyNanos the one-way delay this host adds to every path it is an end of, in
 *     nanoseconds ({@code >= 0}); a path's one-way latency is the sum over its two hosts and the
 *     links it crosses
 */
public record HostSpec(long uploadBitsPerSecond, long downloadBitsPerSecond, long latencyNanos) {
  public HostSpec {
    LinkSpec.requirePositive("uploadBitsPerSecond", uploadBitsPerSecond);
    LinkSpec.requirePositive("downloadBitsPerSecond", downloadBitsPerSecond);
    LinkSpec.requireNotNegative("latencyNanos", latencyNanos);
  }

  /** A host with the same capacity both ways. */
  public static HostSpec symmetric(long bitsPerSecond, long latencyNanos) {
    return new HostSpec(bitsPerSecond, bitsPerSecond, latencyNanos);
  }
}
