package io.layerswarm.sim.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The incremental solver against brute-force progressive filling, after every step of random
 * sequences of flows coming and going on small random networks.
 */
class MaxMinSolverPropertyTest {

  /** Add a flow over the resources in {@code mask}, or remove the live flow number {@code pick}. */
  record Op(boolean add, int mask, int pick) {}

  record Scenario(List<Long> capacitiesBitsPerSecond, List<Op> ops) {}

  @Provide
  Arbitrary<Scenario> scenarios() {
    // Round capacities make ties, where degenerate bottlenecks hide; odd ones make the rest.
    Arbitrary<Long> capacity =
        Arbitraries.oneOf(
            Arbitraries.of(8_000L, 16_000L, 24_000L, 80_000L),
            Arbitraries.longs().between(1_000L, 1_000_000L));
    Arbitrary<List<Long>> capacities = capacity.list().ofMinSize(1).ofMaxSize(8);
    Arbitrary<Op> op =
        Combinators.combine(
                Arbitraries.frequency(
                    net.jqwik.api.Tuple.of(3, true), net.jqwik.api.Tuple.of(1, false)),
                Arbitraries.integers().between(1, 255),
                Arbitraries.integers().between(0, 1000))
            .as(Op::new);
    return Combinators.combine(capacities, op.list().ofMinSize(1).ofMaxSize(30)).as(Scenario::new);
  }

  @Property(tries = 1500)
  void everyStepMatchesProgressiveFilling(@ForAll("scenarios") Scenario scenario) {
    int m = scenario.capacitiesBitsPerSecond().size();
    Resource[] resources = new Resource[m];
    for (int i = 0; i < m; i++) {
      resources[i] = new Resource("r" + i, scenario.capacitiesBitsPerSecond().get(i));
    }
    MaxMinSolver solver = new MaxMinSolver();
    List<Flow> live = new ArrayList<>();
    List<int[]> livePaths = new ArrayList<>();
    for (Op op : scenario.ops()) {
      if (op.add() || live.isEmpty()) {
        int[] path = pathOf(op.mask(), m);
        Resource[] rs = new Resource[path.length];
        for (int i = 0; i < path.length; i++) {
          rs[i] = resources[path[i]];
        }
        Flow flow = new Flow(rs, null);
        solver.attach(flow);
        live.add(flow);
        livePaths.add(path);
      } else {
        int k = op.pick() % live.size();
        solver.detach(live.remove(k));
        livePaths.remove(k);
      }
      solver.solve();

      double[] capacities = new double[m];
      for (int i = 0; i < m; i++) {
        capacities[i] = resources[i].capacity;
      }
      double[] expected = ProgressiveFilling.solve(capacities, livePaths.toArray(new int[0][]));
      for (int f = 0; f < live.size(); f++) {
        assertThat(live.get(f).rate)
            .as("flow %d of %d", f, live.size())
            .isCloseTo(expected[f], within(1e-7 * expected[f]));
      }
    }
  }

  /** The resources named by the mask's bits (mod m), at most four, at least one. */
  private static int[] pathOf(int mask, int m) {
    boolean[] in = new boolean[m];
    int count = 0;
    for (int bit = 0; bit < 8 && count < 4; bit++) {
      if ((mask & (1 << bit)) != 0 && !in[bit % m]) {
        in[bit % m] = true;
        count++;
      }
    }
    int[] path = new int[count];
    for (int i = 0, k = 0; i < m; i++) {
      if (in[i]) {
        path[k++] = i;
      }
    }
    return path;
  }
}
