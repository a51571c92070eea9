package io.layerswarm.sim.net;

/**
 * One direction of a connection as the solver sees it: the resources on its path and its current
 * max-min rate. Attached to its resources only while it has bytes to send.
 */
final class Flow {
  final Resource[] path;
  final int[] slots;

  /** In bytes per nanosecond; 0 while detached or before the first solve after attaching. */
  double rate;

  boolean attached;

  /** Told when a solve changes the rate; may be null (solver tests). */
  final RateListener listener;

  // Solver scratch, valid during one solve.
  int mark;
  boolean frozen;
  boolean boundary;
  double newRate;

  interface RateListener {
    /** Called by a solve, once per flow whose rate changed, with the new rate in place. */
    void rateChanged(Flow flow, double oldRate);
  }

  Flow(Resource[] path, RateListener listener) {
    this.path = path;
    this.slots = new int[path.length];
    this.listener = listener;
  }

  int indexOf(Resource resource) {
    for (int i = 0; i < path.length; i++) {
      if (path[i] == resource) {
        return i;
      }
    }
    throw new IllegalStateException(resource + " is not on the path of this flow");
  }
}
