package io.layerswarm.sim.net;

/**
 * The textbook max-min fair allocation, brute force, for checking the solver: raise every unfrozen
 * flow together; when a resource runs out, freeze the flows that cross it. Quadratic, and written
 * without anything the real solver uses.
 */
final class ProgressiveFilling {
  private ProgressiveFilling() {}

  /**
   * @param capacities per resource
   * @param paths per flow, the indexes of the resources it crosses (at least one)
   * @return per flow, its rate
   */
  static double[] solve(double[] capacities, int[][] paths) {
    int n = paths.length;
    double[] rate = new double[n];
    boolean[] frozen = new boolean[n];
    double[] remaining = capacities.clone();
    int left = n;
    while (left > 0) {
      double level = Double.POSITIVE_INFINITY;
      for (int r = 0; r < capacities.length; r++) {
        int crossing = unfrozenCrossing(r, paths, frozen);
        if (crossing > 0) {
          level = Math.min(level, remaining[r] / crossing);
        }
      }
      boolean[] freezeNow = new boolean[n];
      for (int r = 0; r < capacities.length; r++) {
        int crossing = unfrozenCrossing(r, paths, frozen);
        if (crossing > 0 && remaining[r] / crossing <= level * (1 + 1e-12)) {
          for (int f = 0; f < n; f++) {
            if (!frozen[f] && crosses(paths[f], r)) {
              freezeNow[f] = true;
            }
          }
        }
      }
      for (int f = 0; f < n; f++) {
        if (freezeNow[f]) {
          frozen[f] = true;
          rate[f] = level;
          left--;
          for (int r : paths[f]) {
            remaining[r] -= level;
          }
        }
      }
    }
    return rate;
  }

  private static int unfrozenCrossing(int r, int[][] paths, boolean[] frozen) {
    int count = 0;
    for (int f = 0; f < paths.length; f++) {
      if (!frozen[f] && crosses(paths[f], r)) {
        count++;
      }
    }
    return count;
  }

  private static boolean crosses(int[] path, int r) {
    for (int x : path) {
      if (x == r) {
        return true;
      }
    }
    return false;
  }
}
