package io.layerswarm.swarm.sched;

import java.util.List;
import java.util.Set;

/**
 * Decides which peers we upload to (BEP 3 "choking"). A pure function of the candidates and the
 * injected clock: no I/O, no threads. Called by the torrent's event loop.
 */
public interface Choker<P> {
  /** The peers to unchoke; every other candidate is choked. */
  Set<P> unchoke(List<ChokeCandidate<P>> candidates);
}
