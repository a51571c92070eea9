package io.layerswarm.swarm;

import java.time.Duration;

/**
 * How many peer connections an engine keeps, and how long a new one may take to prove itself.
 * Incoming and outgoing connections have separate budgets, so that sockets others open to us (idle
 * ones included) never stop us dialing the peers we download from; one address may take only a
 * share of the incoming budget.
 *
 * @param maxIncoming connections peers opened to us, at most, those still in their handshake
 *     included; one more is closed at once
 * @param maxOutgoing connections we opened, at most; further dials wait
 * @param maxIncomingPerAddress connections one IP address may have opened to us at once
 * @param handshakeTimeout a connection that has not finished its handshake by then is closed
 */
public record PeerLimits(
    int maxIncoming, int maxOutgoing, int maxIncomingPerAddress, Duration handshakeTimeout) {

  /**
   * 1000 incoming and 500 outgoing connections; 128 incoming from one address, enough for a host
   * that pulls an image of the most layers a Docker image may have (127) at once, one connection
   * per blob; 5 s for a handshake, which takes milliseconds between members (two round trips with
   * the membership proof) and leaves room for a garbage collection pause on either end, while an
   * idle socket holds a slot for 5 s instead of 10.
   */
  public static final PeerLimits DEFAULTS = new PeerLimits(1000, 500, 128, Duration.ofSeconds(5));

  public PeerLimits {
    if (maxIncoming < 1 || maxOutgoing < 1 || maxIncomingPerAddress < 1) {
      throw new IllegalArgumentException(
          "connection caps must be >= 1, got incoming "
              + maxIncoming
              + ", outgoing "
              + maxOutgoing
              + ", per address "
              + maxIncomingPerAddress);
    }
    if (handshakeTimeout == null || handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException("handshake timeout must be > 0, got " + handshakeTimeout);
    }
  }

  /** {@link #DEFAULTS} with both budgets at {@code max}, and at most that many per address. */
  public static PeerLimits of(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("connection caps must be >= 1, got " + max);
    }
    return new PeerLimits(
        max, max, Math.min(max, DEFAULTS.maxIncomingPerAddress()), DEFAULTS.handshakeTimeout());
  }

  public PeerLimits withHandshakeTimeout(Duration timeout) {
    return new PeerLimits(maxIncoming, maxOutgoing, maxIncomingPerAddress, timeout);
  }

  public PeerLimits withMaxIncomingPerAddress(int max) {
    return new PeerLimits(maxIncoming, maxOutgoing, max, handshakeTimeout);
  }
}
