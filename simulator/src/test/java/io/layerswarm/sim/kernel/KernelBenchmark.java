package io.layerswarm.sim.kernel;

import java.util.SplittableRandom;

/**
 * Events per second of the event loop, JMH-free: the classic "hold" model, where a fixed number of
 * pending events each schedule one successor at a random delay when they run. Three variants: a new
 * timer per event, one re-armed timer per chain, and a new timer per event with a second one
 * scheduled and cancelled (a timeout that never fires). Prints; asserts nothing.
 *
 * <pre>
 * mvn -B -q -pl simulator test-compile
 * java -cp simulator/target/classes:simulator/target/test-classes \
 *     io.layerswarm.sim.kernel.KernelBenchmark [pending=100000] [events=20000000]
 * </pre>
 */
public final class KernelBenchmark {
  private KernelBenchmark() {}

  public static void main(String[] args) {
    int pending = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    long events = args.length > 1 ? Long.parseLong(args[1]) : 20_000_000L;
    for (int round = 0; round < 3; round++) {
      report("new timer per event", pending, events, KernelBenchmark::newTimers);
      report("re-armed timer", pending, events, KernelBenchmark::reArmed);
      report("new timer + cancelled timeout", pending, events, KernelBenchmark::withTimeouts);
    }
  }

  private interface Variant {
    Simulation build(int pending, long events);
  }

  private static void report(String name, int pending, long events, Variant variant) {
    Simulation sim = variant.build(pending, events);
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    long cpuStart = threads.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    sim.run();
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
    System.out.printf(
        "%-32s pending=%,d events=%,d  %.2f s wall  %.2f s CPU  %,.0f events/s wall  %,.0f per CPU-s%n",
        name,
        pending,
        sim.eventsRun(),
        seconds,
        cpu,
        sim.eventsRun() / seconds,
        sim.eventsRun() / cpu);
  }

  private static Simulation newTimers(int pending, long events) {
    Simulation sim = new Simulation(1);
    SplittableRandom random = sim.random().split();
    Runnable[] chain = new Runnable[1];
    chain[0] =
        () -> {
          if (sim.eventsRun() + sim.pendingEvents() <= events) {
            sim.schedule(1 + random.nextInt(1_000_000), chain[0]);
          }
        };
    for (int i = 0; i < pending; i++) {
      sim.schedule(random.nextInt(1_000_000), chain[0]);
    }
    return sim;
  }

  private static Simulation reArmed(int pending, long events) {
    Simulation sim = new Simulation(1);
    SplittableRandom random = sim.random().split();
    for (int i = 0; i < pending; i++) {
      Timer[] self = new Timer[1];
      self[0] =
          sim.timer(
              () -> {
                if (sim.eventsRun() + sim.pendingEvents() <= events) {
                  self[0].reschedule(1 + random.nextInt(1_000_000));
                }
              });
      self[0].reschedule(random.nextInt(1_000_000));
    }
    return sim;
  }

  private static Simulation withTimeouts(int pending, long events) {
    Simulation sim = new Simulation(1);
    SplittableRandom random = sim.random().split();
    Runnable never = () -> {};
    Runnable[] chain = new Runnable[1];
    chain[0] =
        () -> {
          if (sim.eventsRun() + sim.pendingEvents() <= events) {
            Timer timeout = sim.schedule(10_000_000, never);
            sim.schedule(1 + random.nextInt(1_000_000), chain[0]);
            timeout.cancel();
          }
        };
    for (int i = 0; i < pending; i++) {
      sim.schedule(random.nextInt(1_000_000), chain[0]);
    }
    return sim;
  }
}
