package io.layerswarm.swarm.sched;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A choker for a cooperative cluster, where nobody needs to be bribed with tit-for-tat: every
 * interested peer is unchoked while they fit in {@code slots}. When more peers are interested, an
 * unchoked peer keeps its slot for one {@code turn}, then yields to the peer that has waited the
 * longest, so slots rotate fairly. Uninterested peers are choked. Stateless apart from its
 * settings; thread-safe.
 */
public final class RoundRobinChoker<P> implements Choker<P> {
  private final int slots;
  private final Duration turn;
  private final InstantSource clock;

  /**
   * @param slots how many peers may be unchoked at once ({@code >= 1})
   * @param turn how long an unchoked peer keeps its slot while others wait
   */
  public RoundRobinChoker(int slots, Duration turn, InstantSource clock) {
    if (slots < 1) {
      throw new IllegalArgumentException("slots must be >= 1: " + slots);
    }
    this.slots = slots;
    this.turn = turn;
    this.clock = clock;
  }

  @Override
  public Set<P> unchoke(List<ChokeCandidate<P>> candidates) {
    Instant now = clock.instant();
    List<ChokeCandidate<P>> interested = new ArrayList<>();
    for (ChokeCandidate<P> c : candidates) {
      if (c.interested()) {
        interested.add(c);
      }
    }
    Set<P> result = new LinkedHashSet<>();
    if (interested.size() <= slots) {
      interested.forEach(c -> result.add(c.peer()));
      return result;
    }
    // Peers still inside their turn keep their slot, the longest-unchoked first.
    List<ChokeCandidate<P>> inTurn = new ArrayList<>();
    List<ChokeCandidate<P>> waiting = new ArrayList<>();
    for (ChokeCandidate<P> c : interested) {
      if (c.unchoked() && c.since().plus(turn).isAfter(now)) {
        inTurn.add(c);
      } else {
        waiting.add(c);
      }
    }
    Comparator<ChokeCandidate<P>> bySince =
        Comparator.comparing((ChokeCandidate<P> c) -> c.since())
            .thenComparingLong(ChokeCandidate::order);
    inTurn.sort(bySince);
    // Waiting peers by how long they have waited; a peer whose turn just ended waits from now.
    waiting.sort(
        Comparator.comparing((ChokeCandidate<P> c) -> c.unchoked() ? now : c.since())
            .thenComparingLong(ChokeCandidate::order));
    for (ChokeCandidate<P> c : inTurn) {
      if (result.size() < slots) {
        result.add(c.peer());
      }
    }
    for (ChokeCandidate<P> c : waiting) {
      if (result.size() < slots) {
        result.add(c.peer());
      }
    }
    return result;
  }
}
