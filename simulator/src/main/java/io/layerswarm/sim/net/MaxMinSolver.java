package io.layerswarm.sim.net;

import java.util.Arrays;

/**
 * Max-min fair rates for flows over shared resources, recomputed incrementally.
 *
 * <p>Changes (a flow attached or detached) mark resources dirty. A solve recomputes a region of
 * resources, starting with the dirty ones, by progressive filling: every unfrozen flow in the
 * region rises at the same rate until a resource saturates, which freezes its flows at that level.
 * A flow that also crosses resources outside the region (a boundary flow) is capped at the lowest
 * level among them (the rate of the flows bottlenecked there). If the result moves the rate of a
 * boundary flow by more than the spread tolerance, that flow's outside resources join the region
 * and the region is solved again. Otherwise the outside world keeps its rates; with a tolerance of
 * 0 every flow then has a bottleneck (a saturated resource where its rate is the highest), so the
 * allocation is exactly the max-min fair one. In the worst case the region grows to the whole
 * connected component, a full recomputation.
 *
 * <p><b>The approximation.</b> In a large, tightly loaded network one change shifts many rates by
 * tiny amounts, ever further away (measured: a flow draining in a random 10,000-host network
 * re-solved about a thousand resources in 8 to 17 rounds). A spread tolerance {@code t > 0} stops
 * that: a boundary flow whose rate would move by at most {@code t} of itself is not followed
 * further; it keeps the lower of its old and new rate, so no resource ever exceeds its capacity.
 * The price is a little unused capacity and rates slightly off the exact max-min ones. {@code
 * MaxMinSolverPropertyTest} bounds that error against brute force: within 5 t per flow and t of the
 * total throughput (measured: at most 2.5 t and 0.2 t).
 *
 * <p>Rate changes below {@link #NOISE} (relative) count as no change, so floating-point noise
 * neither spreads nor reschedules anything.
 *
 * <p>Single-threaded; owned by one {@link Network} (or a test).
 */
final class MaxMinSolver {
  /** Relative differences at or below this are rounding noise. */
  static final double NOISE = 1e-9;

  private final double spread;

  private Resource[] dirty = new Resource[16];
  private int dirtyCount;

  private Resource[] region = new Resource[16];
  private int regionSize;
  private Flow[] flows = new Flow[16];
  private int flowCount;

  // Indexed min-heap of the region's resources (by local index), keyed by fair share.
  private int[] heap = new int[32];
  private int[] pos = new int[32];
  private double[] key = new double[32];
  private int heapSize;

  // The finite caps of boundary flows (flow local index, cap), sorted by cap for each fill.
  private int[] capFlow = new int[32];
  private double[] capValue = new double[32];

  private int epoch;
  private int solveStamp;

  private long solves;
  private long rounds;
  private long regionResources;
  private long flowVisits;

  /**
   * @param spread the relative rate change of a boundary flow below which a solve does not follow
   *     it further ({@code >= 0}; 0 means exact, up to {@link #NOISE})
   */
  MaxMinSolver(double spread) {
    if (!(spread >= 0 && spread < 1)) {
      throw new IllegalArgumentException("spread must be in [0, 1): " + spread);
    }
    this.spread = Math.max(spread, NOISE);
  }

  /** Puts a flow on its resources; its rate is set by the next solve. */
  void attach(Flow flow) {
    if (flow.attached) {
      throw new IllegalStateException("flow already attached");
    }
    flow.attached = true;
    flow.rate = 0;
    Resource[] path = flow.path;
    for (int i = 0; i < path.length; i++) {
      path[i].add(flow, i);
      markDirty(path[i]);
    }
  }

  /** Takes a flow off its resources; its rate becomes 0 at once, the others' at the next solve. */
  void detach(Flow flow) {
    if (!flow.attached) {
      return;
    }
    flow.attached = false;
    flow.rate = 0;
    Resource[] path = flow.path;
    for (int i = 0; i < path.length; i++) {
      path[i].remove(flow, i);
      markDirty(path[i]);
    }
  }

  boolean hasWork() {
    return dirtyCount > 0;
  }

  /** Solves (possibly several rounds) and tells each flow whose rate changed. */
  void solve() {
    if (dirtyCount == 0) {
      return;
    }
    solves++;
    solveStamp++;
    regionSize = 0;
    for (int i = 0; i < dirtyCount; i++) {
      Resource r = dirty[i];
      r.dirty = false;
      addToRegion(r);
      dirty[i] = null;
    }
    // The flows bottlenecked at a changed resource will move, so their other resources would join
    // in the second round anyway: take them now and save that round.
    for (int i = 0, n = regionSize; i < n; i++) {
      Resource r = region[i];
      if (r.level != Double.POSITIVE_INFINITY) {
        Flow[] rf = r.flows;
        for (int j = 0; j < r.flowCount; j++) {
          if (!differs(rf[j].rate, r.level)) {
            for (Resource other : rf[j].path) {
              addToRegion(other);
            }
          }
        }
      }
    }
    dirtyCount = 0;
    while (true) {
      rounds++;
      fill();
      flowVisits += flowCount;
      if (!growAtBoundary()) {
        break;
      }
    }
    regionResources += regionSize;
    commit();
  }

  long solves() {
    return solves;
  }

  long rounds() {
    return rounds;
  }

  long regionResources() {
    return regionResources;
  }

  /** Flows solved, summed over every round of every solve: the solver's work. */
  long flowVisits() {
    return flowVisits;
  }

  private void markDirty(Resource r) {
    if (!r.dirty) {
      r.dirty = true;
      if (dirtyCount == dirty.length) {
        dirty = Arrays.copyOf(dirty, dirtyCount * 2);
      }
      dirty[dirtyCount++] = r;
    }
  }

  private void addToRegion(Resource r) {
    if (r.regionStamp == solveStamp) {
      return;
    }
    r.regionStamp = solveStamp;
    if (regionSize == region.length) {
      region = Arrays.copyOf(region, regionSize * 2);
    }
    region[regionSize++] = r;
  }

  /**
   * Progressive filling over the region, with boundary flows capped by outside levels. The region's
   * resources sit in an indexed min-heap keyed by their fair share (what is left of them over their
   * unfrozen flows); the caps, which never change during a fill, are sorted once and merged in.
   */
  private void fill() {
    int stamp = ++epoch;
    flowCount = 0;
    for (int i = 0; i < regionSize; i++) {
      region[i].mark = stamp;
    }
    for (int i = 0; i < regionSize; i++) {
      Resource r = region[i];
      Flow[] rf = r.flows;
      for (int j = 0, n = r.flowCount; j < n; j++) {
        Flow f = rf[j];
        if (f.mark != stamp) {
          f.mark = stamp;
          if (flowCount == flows.length) {
            flows = Arrays.copyOf(flows, flowCount * 2);
          }
          flows[flowCount++] = f;
        }
      }
    }
    if (heap.length < regionSize) {
      int capacity = Math.max(regionSize, heap.length * 2);
      heap = new int[capacity];
      pos = new int[capacity];
      key = new double[capacity];
    }
    if (capFlow.length < flowCount) {
      int capacity = Math.max(flowCount, capFlow.length * 2);
      capFlow = new int[capacity];
      capValue = new double[capacity];
    }
    heapSize = 0;
    for (int i = 0; i < regionSize; i++) {
      Resource r = region[i];
      r.local = i;
      r.remaining = r.capacity;
      r.unfrozen = r.flowCount;
      r.newLevel = Double.POSITIVE_INFINITY;
      pos[i] = -1;
      if (r.flowCount > 0) {
        key[i] = r.capacity / r.flowCount;
        heapAppend(i);
      }
    }
    for (int i = (heapSize >>> 1) - 1; i >= 0; i--) {
      siftDown(i);
    }
    int caps = 0;
    for (int i = 0; i < flowCount; i++) {
      Flow f = flows[i];
      f.frozen = false;
      double cap = Double.POSITIVE_INFINITY;
      boolean boundary = false;
      for (Resource r : f.path) {
        if (r.mark != stamp) {
          boundary = true;
          cap = Math.min(cap, r.level);
        }
      }
      f.boundary = boundary;
      if (cap != Double.POSITIVE_INFINITY) {
        capFlow[caps] = i;
        capValue[caps++] = cap;
      }
    }
    sort(capValue, capFlow, 0, caps - 1);

    int next = 0;
    while (true) {
      while (next < caps && flows[capFlow[next]].frozen) {
        next++;
      }
      if (heapSize > 0 && (next == caps || key[heap[0]] <= capValue[next])) {
        int e = heap[0];
        double level = key[e];
        heapRemove(e);
        Resource r = region[e];
        r.newLevel = level;
        Flow[] rf = r.flows;
        for (int j = 0, n = r.flowCount; j < n; j++) {
          if (!rf[j].frozen) {
            freeze(rf[j], level, stamp);
          }
        }
      } else if (next < caps) {
        freeze(flows[capFlow[next]], capValue[next], stamp);
        next++;
      } else {
        break;
      }
    }
  }

  private void freeze(Flow f, double level, int stamp) {
    f.frozen = true;
    f.newRate = level;
    for (Resource r : f.path) {
      if (r.mark != stamp) {
        continue;
      }
      int e = r.local;
      if (pos[e] < 0) {
        continue;
      }
      r.remaining -= level;
      if (--r.unfrozen == 0) {
        heapRemove(e);
        if (r.remaining <= NOISE * r.capacity) {
          // Filled exactly by flows frozen elsewhere: saturated, and the last of them is the
          // highest, so it is the level here too.
          r.newLevel = level;
        }
      } else {
        // Shares only rise as flows freeze at or below them; max() absorbs rounding.
        key[e] = Math.max(level, r.remaining / r.unfrozen);
        siftDown(pos[e]);
      }
    }
  }

  /** Sorts {@code keys[lo..hi]} ascending, moving {@code values} along (quicksort). */
  private static void sort(double[] keys, int[] values, int lo, int hi) {
    while (hi - lo > 16) {
      double pivot = keys[(lo + hi) >>> 1];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (keys[i] < pivot) {
          i++;
        }
        while (keys[j] > pivot) {
          j--;
        }
        if (i <= j) {
          double k = keys[i];
          keys[i] = keys[j];
          keys[j] = k;
          int v = values[i];
          values[i] = values[j];
          values[j] = v;
          i++;
          j--;
        }
      }
      // Recurse into the smaller side, loop on the larger: O(log n) stack.
      if (j - lo < hi - i) {
        sort(keys, values, lo, j);
        lo = i;
      } else {
        sort(keys, values, i, hi);
        hi = j;
      }
    }
    for (int i = lo + 1; i <= hi; i++) {
      double k = keys[i];
      int v = values[i];
      int j = i - 1;
      while (j >= lo && keys[j] > k) {
        keys[j + 1] = keys[j];
        values[j + 1] = values[j];
        j--;
      }
      keys[j + 1] = k;
      values[j + 1] = v;
    }
  }

  /** Adds the outside resources of every boundary flow whose rate moved; true if any. */
  private boolean growAtBoundary() {
    int stamp = epoch;
    boolean grown = false;
    for (int i = 0; i < flowCount; i++) {
      Flow f = flows[i];
      if (f.boundary && Math.abs(f.newRate - f.rate) > spread * Math.max(f.newRate, f.rate)) {
        for (Resource r : f.path) {
          if (r.mark != stamp) {
            addToRegion(r);
            grown = true;
          }
        }
      }
    }
    return grown;
  }

  private void commit() {
    for (int i = 0; i < regionSize; i++) {
      region[i].level = region[i].newLevel;
    }
    for (int i = 0; i < flowCount; i++) {
      Flow f = flows[i];
      if (f.boundary && f.newRate > f.rate) {
        // Within the spread tolerance: rising would take capacity outside the region.
        f.newRate = f.rate;
      }
      if (differs(f.newRate, f.rate)) {
        double oldRate = f.rate;
        f.rate = f.newRate;
        if (f.listener != null) {
          f.listener.rateChanged(f, oldRate);
        }
      }
      flows[i] = null;
    }
    for (int i = 0; i < regionSize; i++) {
      region[i] = null;
    }
    flowCount = 0;
    regionSize = 0;
  }

  static boolean differs(double a, double b) {
    return Math.abs(a - b) > NOISE * Math.max(Math.abs(a), Math.abs(b));
  }

  // --- indexed heap on key[] ---

  private void heapAppend(int e) {
    pos[e] = heapSize;
    heap[heapSize++] = e;
  }

  private void heapRemove(int e) {
    int i = pos[e];
    pos[e] = -1;
    int last = heap[--heapSize];
    if (last != e) {
      heap[i] = last;
      pos[last] = i;
      if (i > 0 && key[last] < key[heap[(i - 1) >>> 1]]) {
        siftUp(i);
      } else {
        siftDown(i);
      }
    }
  }

  private void siftUp(int i) {
    int e = heap[i];
    double k = key[e];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      int pe = heap[parent];
      if (key[pe] <= k) {
        break;
      }
      heap[i] = pe;
      pos[pe] = i;
      i = parent;
    }
    heap[i] = e;
    pos[e] = i;
  }

  private void siftDown(int i) {
    int e = heap[i];
    double k = key[e];
    int half = heapSize >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int ce = heap[child];
      int right = child + 1;
      if (right < heapSize && key[heap[right]] < key[ce]) {
        child = right;
        ce = heap[right];
      }
      if (k <= key[ce]) {
        break;
      }
      heap[i] = ce;
      pos[ce] = i;
      i = child;
    }
    heap[i] = e;
    pos[e] = i;
  }
}
