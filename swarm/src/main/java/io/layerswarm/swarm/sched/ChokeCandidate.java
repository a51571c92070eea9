package io.layerswarm.swarm.sched;

import java.time.Instant;
import java.util.Objects;

/**
 * What the choker knows of one connected peer.
 *
 * @param peer the peer's identity
 * @param order a stable tie-breaker, for example the connection's sequence number
 * @param interested whether the peer wants something we have
 * @param unchoked whether we unchoke it now
 * @param since when its current choke state began (for a never-unchoked peer: when it connected)
 * @param idle unchoked, but it has asked us for nothing for a while: its slot is unused
 */
public record ChokeCandidate<P>(
    P peer, long order, boolean interested, boolean unchoked, Instant since, boolean idle) {
  public ChokeCandidate {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(since, "since");
  }

  /** A candidate that is not idle. */
  public ChokeCandidate(P peer, long order, boolean interested, boolean unchoked, Instant since) {
    this(peer, order, interested, unchoked, since, false);
  }
}
