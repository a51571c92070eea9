package io.layerswarm.sim.net;

import java.util.ArrayList;
import java.util.List;

/**
 * The textbook max-min fair allocation, brute force, for checking the solver: raise every unfrozen
 * flow together; when a resource runs out, freeze the flows that cross it. Each step scans every
 * resource; written without anything the real solver uses.
 */
final class ProgressiveFilling {
  private ProgressiveFilling() {}

  /**
   * @param capacities per resource
   * @param paths per flow, the indexes of the resources it crosses (at least one)
   * @return per flow, its rate
   */
  static double[] solve(double[] capacities, int[][] paths) {
    int m = capacities.length;
    int n = paths.length;
    List<List<Integer>> crossing = new ArrayList<>();
    for (int r = 0; r < m; r++) {
      crossing.add(new ArrayList<>());
    }
    int[] unfrozen = new int[m];
    for (int f = 0; f < n; f++) {
      for (int r : paths[f]) {
        crossing.get(r).add(f);
        unfrozen[r]++;
      }
    }
    double[] rate = new double[n];
    boolean[] frozen = new boolean[n];
    double[] remaining = capacities.clone();
    int left = n;
    while (left > 0) {
      double level = Double.POSITIVE_INFINITY;
      for (int r = 0; r < m; r++) {
        if (unfrozen[r] > 0) {
          level = Math.min(level, remaining[r] / unfrozen[r]);
        }
      }
      List<Integer> freezeNow = new ArrayList<>();
      for (int r = 0; r < m; r++) {
        if (unfrozen[r] > 0 && remaining[r] / unfrozen[r] <= level * (1 + 1e-12)) {
          for (int f : crossing.get(r)) {
            if (!frozen[f]) {
              frozen[f] = true;
              freezeNow.add(f);
            }
          }
        }
      }
      for (int f : freezeNow) {
        rate[f] = level;
        left--;
        for (int r : paths[f]) {
          remaining[r] -= level;
          unfrozen[r]--;
        }
      }
    }
    return rate;
  }
}
