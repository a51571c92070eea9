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
 */
public record ChokeCandidate<P>(
    P peer, long order, boolean interested, boolean unchoked, Instant since) {
  public ChokeCandidate {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(since, "since");
  }
}
