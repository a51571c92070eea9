package io.layerswarm.swarm.sched;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A choker for a cooperative cluster, where nobody needs to be bribed with tit-for-tat: every
 * interested peer is unchoked while they fit in {@code slots}. When more peers are interested, an
 * unchoked peer keeps its slot for one {@code turn}, then yields to the peer that has waited the
 * longest, so slots rotate fairly. An idle peer (unchoked, but it asks us for nothing: all it wants
 * of us it asked of others) yields its slot as if its turn had ended. Uninterested peers are
 * choked. Stateless apart from its settings; thread-safe.
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
    int interested = 0;
    for (ChokeCandidate<P> c : candidates) {
      if (c.interested()) {
        interested++;
      }
    }
    Set<P> result = new LinkedHashSet<>();
    if (interested <= slots) {
      for (ChokeCandidate<P> c : candidates) {
        if (c.interested()) {
          result.add(c.peer());
        }
      }
      return result;
    }
    // The first `slots` of: the peers still inside their turn, the longest-unchoked first, then
    // the waiting peers by how long they have waited (a peer whose turn just ended waits from
    // now); ties by order, then by position. One pass that keeps the best `slots` in order,
    // since the choker runs on every change of interest and slots are few.
    Instant turnStartedAfter = now.minus(turn);
    @SuppressWarnings("unchecked")
    ChokeCandidate<P>[] best = new ChokeCandidate[slots];
    boolean[] bestInTurn = new boolean[slots];
    Instant[] bestWaitingSince = new Instant[slots];
    int kept = 0;
    for (ChokeCandidate<P> c : candidates) {
      if (!c.interested()) {
        continue;
      }
      boolean inTurn = c.unchoked() && !c.idle() && c.since().isAfter(turnStartedAfter);
      Instant since = inTurn || !c.unchoked() ? c.since() : now;
      int at = kept;
      while (at > 0
          && before(inTurn, since, c, bestInTurn[at - 1], bestWaitingSince[at - 1], best[at - 1])) {
        at--;
      }
      if (at == slots) {
        continue;
      }
      int last = Math.min(kept, slots - 1);
      System.arraycopy(best, at, best, at + 1, last - at);
      System.arraycopy(bestInTurn, at, bestInTurn, at + 1, last - at);
      System.arraycopy(bestWaitingSince, at, bestWaitingSince, at + 1, last - at);
      best[at] = c;
      bestInTurn[at] = inTurn;
      bestWaitingSince[at] = since;
      kept = Math.min(kept + 1, slots);
    }
    for (int i = 0; i < kept; i++) {
      result.add(best[i].peer());
    }
    return result;
  }

  /** Whether candidate a goes strictly before b: in turn first, then by since, then by order. */
  private static boolean before(
      boolean aInTurn,
      Instant aSince,
      ChokeCandidate<?> a,
      boolean bInTurn,
      Instant bSince,
      ChokeCandidate<?> b) {
    if (aInTurn != bInTurn) {
      return aInTurn;
    }
    int bySince = aSince.compareTo(bSince);
    return bySince != 0 ? bySince < 0 : a.order() < b.order();
  }
}
