package io.layerswarm.swarm.channel;

import java.time.Duration;
import java.util.Objects;

/**
 * Who may talk to an engine, as its connections apply it: the time a peer has to finish its
 * handshake, and the addresses refused.
 *
 * @param handshakeTimeout a connection that has not finished its handshake by then is closed
 * @param bans addresses refused in both directions
 */
public record Admission(Duration handshakeTimeout, AddressBans bans) {
  public Admission {
    Objects.requireNonNull(bans, "bans");
    if (handshakeTimeout == null || handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException("handshake timeout must be > 0, got " + handshakeTimeout);
    }
  }
}
