package io.layerswarm.sim.net;

import java.util.Arrays;

/**
 * One capacity that flows share max-min fairly: a host's upload or download, or one direction of a
 * rack or zone link. Holds the flows that cross it and the solver's per-resource state.
 */
final class Resource {
  static final double NANOS_PER_SECOND = 1e9;

  final String name;

  /** In bytes per nanosecond. */
  final double capacity;

  Flow[] flows = new Flow[4];
  int flowCount;

  /**
   * The rate of the flows bottlenecked here, in bytes per nanosecond, as of the last solve that
   * covered this resource; infinite when the resource is not saturated.
   */
  double level = Double.POSITIVE_INFINITY;

  // Solver scratch, valid during one solve.
  int mark;
  int regionStamp;
  boolean dirty;
  int local;
  double remaining;
  int unfrozen;
  double newLevel;

  Resource(String name, long bitsPerSecond) {
    this.name = name;
    this.capacity = bitsPerSecond / 8.0 / NANOS_PER_SECOND;
  }

  void add(Flow flow, int pathIndex) {
    if (flowCount == flows.length) {
      flows = Arrays.copyOf(flows, flowCount * 2);
    }
    flow.slots[pathIndex] = flowCount;
    flows[flowCount++] = flow;
  }

  void remove(Flow flow, int pathIndex) {
    int slot = flow.slots[pathIndex];
    Flow last = flows[--flowCount];
    flows[slot] = last;
    flows[flowCount] = null;
    if (last != flow) {
      last.slots[last.indexOf(this)] = slot;
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
