package io.layerswarm.sim.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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

  @Property(tries = 1000)
  void everyStepMatchesProgressiveFilling(@ForAll("scenarios") Scenario scenario) {
    int m = scenario.capacitiesBitsPerSecond().size();
    Resource[] resources = new Resource[m];
    for (int i = 0; i < m; i++) {
      resources[i] = new Resource("r" + i, scenario.capacitiesBitsPerSecond().get(i));
    }
    MaxMinSolver solver = new MaxMinSolver(0);
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

  /**
   * The spread tolerance's error, on host networks (each flow crosses one host's upload and
   * another's download) big enough that solves stop at a boundary: hundreds of steps of flows
   * coming and going, each checked against brute force.
   */
  @Property(tries = 25)
  void withASpreadToleranceRatesStayWithinItsBoundAndNoResourceIsOverloaded(@ForAll long seed) {
    double spread = NetworkOptions.DEFAULT.rateSpread();
    SplittableRandom random = new SplittableRandom(seed);
    int hosts = 10 + random.nextInt(50);
    Resource[] resources = new Resource[2 * hosts];
    double[] capacities = new double[resources.length];
    for (int i = 0; i < resources.length; i++) {
      resources[i] =
          new Resource("r" + i, random.nextBoolean() ? 1000 : 500 + random.nextInt(1000));
      capacities[i] = resources[i].capacity;
    }
    MaxMinSolver solver = new MaxMinSolver(spread);
    List<Flow> live = new ArrayList<>();
    List<int[]> paths = new ArrayList<>();
    for (int step = 0; step < 300; step++) {
      if (live.isEmpty() || (random.nextInt(10) < 6 && live.size() < 4 * hosts)) {
        int a = random.nextInt(hosts);
        int b = (a + 1 + random.nextInt(hosts - 1)) % hosts;
        int[] path = {2 * a, 2 * b + 1};
        Flow flow = new Flow(new Resource[] {resources[path[0]], resources[path[1]]}, null);
        solver.attach(flow);
        live.add(flow);
        paths.add(path);
      } else {
        int k = random.nextInt(live.size());
        solver.detach(live.remove(k));
        paths.remove(k);
      }
      solver.solve();

      double[] exact = ProgressiveFilling.solve(capacities, paths.toArray(new int[0][]));
      double[] used = new double[resources.length];
      double exactTotal = 0;
      double total = 0;
      for (int f = 0; f < live.size(); f++) {
        double rate = live.get(f).rate;
        assertThat(rate).isCloseTo(exact[f], within(5 * spread * exact[f]));
        exactTotal += exact[f];
        total += rate;
        for (int r : paths.get(f)) {
          used[r] += rate;
        }
      }
      assertThat(total).isGreaterThanOrEqualTo(exactTotal * (1 - spread));
      for (int r = 0; r < resources.length; r++) {
        assertThat(used[r]).isLessThanOrEqualTo(capacities[r] * (1 + 1e-9));
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
