package io.layerswarm.sim.net;

import io.layerswarm.sim.kernel.Simulation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The network model's speed under the load, without any swarm logic: N hosts, each opens
 * {@code connect} connections to random others, and every host downloads {@code size} bytes over
 * all its connections in messages of 256 KiB to 1 MiB. The receiver keeps {@code depth} messages
 * outstanding per direction. In mode {@code stream} the sender learns of each delivery directly (no
 * control traffic: rates change only when flows start and drain). In mode {@code request} the
 * receiver sends a 17-byte request per message on the reverse direction, as BitTorrent does, so
 * small flows start and drain all the time (unless sent express). {@code options=exact} turns the
 * network's approximations off. Prints wall and CPU time, events/s and solver statistics; asserts
 * nothing.
 *
 * <pre>
 * mvn -B -q -pl simulator test-compile
 * java -Xmx8g -cp simulator/target/classes:simulator/target/test-classes \
 *     io.layerswarm.sim.net.SyntheticLoadBenchmark hosts=10000 sizeMB=700 mode=stream
 * </pre>
 */
public final class SyntheticLoadBenchmark {
  private SyntheticLoadBenchmark() {}

  public static void main(String[] args) {
    int hosts = 10_000;
    long size = 700_000_000L;
    int connect = 4;
    int depth = 4;
    String mode = "stream";
    long bitsPerSecond = 1_000_000_000L;
    long latencyNanos = 50_000;
    int minMessage = 256 << 10;
    int maxMessage = 1 << 20;
    NetworkOptions options = NetworkOptions.DEFAULT;
    for (String arg : args) {
      String[] kv = arg.split("=", 2);
      switch (kv[0]) {
        case "hosts" -> hosts = Integer.parseInt(kv[1]);
        case "sizeMB" -> size = Long.parseLong(kv[1]) * 1_000_000L;
        case "connect" -> connect = Integer.parseInt(kv[1]);
        case "depth" -> depth = Integer.parseInt(kv[1]);
        case "mode" -> mode = kv[1];
        case "mbit" -> bitsPerSecond = Long.parseLong(kv[1]) * 1_000_000L;
        case "latencyUs" -> latencyNanos = Long.parseLong(kv[1]) * 1_000;
        case "minKiB" -> minMessage = Integer.parseInt(kv[1]) << 10;
        case "maxKiB" -> maxMessage = Integer.parseInt(kv[1]) << 10;
        case "options" -> options = kv[1].equals("exact") ? NetworkOptions.EXACT : options;
        case "spread" ->
            options = new NetworkOptions(Double.parseDouble(kv[1]), options.expressBytes());
        default -> throw new IllegalArgumentException("unknown argument " + arg);
      }
    }
    long start = System.nanoTime();
    Simulation sim = new Simulation(1);
    Network net = new Network(sim, options);
    Load load =
        new Load(
            sim,
            net,
            hosts,
            size,
            connect,
            depth,
            mode.equals("request"),
            bitsPerSecond,
            latencyNanos,
            minMessage,
            maxMessage);
    double setup = (System.nanoTime() - start) / 1e9;
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    long cpuStart = threads.getCurrentThreadCpuTime();
    long runStart = System.nanoTime();
    sim.run();
    double wall = (System.nanoTime() - runStart) / 1e9;
    double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
    double sd = size * 8.0 / bitsPerSecond;
    long[] done = load.completion.clone();
    Arrays.sort(done);
    System.out.printf(
        "hosts=%d size=%d MB connect=%d depth=%d mode=%s %d Mbit/s messages %d-%d KiB %s%n",
        hosts,
        size / 1_000_000,
        connect,
        depth,
        mode,
        bitsPerSecond / 1_000_000,
        minMessage >> 10,
        maxMessage >> 10,
        options);
    System.out.printf(
        "setup %.1f s, run %.1f s wall (%.1f s CPU), %,d events, %,.0f events/s wall, %,.0f per CPU-s,"
            + " %,d messages%n",
        setup,
        wall,
        cpu,
        sim.eventsRun(),
        sim.eventsRun() / wall,
        sim.eventsRun() / cpu,
        load.messages);
    System.out.printf(
        "virtual %.4f s; completion p10 %.4f s, p50 %.4f s, p90 %.4f s, max %.4f s; S/D %.2f s; %s%n",
        sim.nowNanos() / 1e9,
        done[done.length / 10] / 1e9,
        done[done.length / 2] / 1e9,
        done[done.length * 9 / 10] / 1e9,
        done[done.length - 1] / 1e9,
        sd,
        net.solverStatistics());
  }

  /** The hosts, their connections and the receiver-driven streaming. */
  private static final class Load {
    final Simulation sim;
    final long size;
    final boolean requests;
    final int depth;
    final int minMessage;
    final int maxMessage;
    final SplittableRandom random;
    final long[] requested;
    final long[] completion;
    final long[] received;
    long messages;

    Load(
        Simulation sim,
        Network net,
        int hostCount,
        long size,
        int connect,
        int depth,
        boolean requests,
        long bitsPerSecond,
        long latencyNanos,
        int minMessage,
        int maxMessage) {
      this.sim = sim;
      this.size = size;
      this.requests = requests;
      this.depth = depth;
      this.minMessage = minMessage;
      this.maxMessage = maxMessage;
      this.random = sim.random("load");
      this.requested = new long[hostCount];
      this.received = new long[hostCount];
      this.completion = new long[hostCount];
      List<Host> hosts = new ArrayList<>();
      for (int i = 0; i < hostCount; i++) {
        hosts.add(net.addHost(HostSpec.symmetric(bitsPerSecond, latencyNanos / 2)));
      }
      List<Direction> incoming = new ArrayList<>();
      for (Host h : hosts) {
        for (int c = 0; c < connect; c++) {
          Host peer = hosts.get((h.id() + 1 + random.nextInt(hostCount - 1)) % hostCount);
          Connection connection = net.connect(h, peer);
          incoming.add(connection.to(h));
          incoming.add(connection.to(peer));
        }
      }
      for (int k = 0; k < depth; k++) {
        for (Direction d : incoming) {
          ask(d);
        }
      }
    }

    /** The receiver of {@code d} wants one more message on it, if it still needs bytes. */
    void ask(Direction d) {
      int receiver = d.receiver().id();
      if (requested[receiver] >= size) {
        return;
      }
      long bytes =
          Math.min(
              size - requested[receiver], minMessage + random.nextInt(maxMessage - minMessage + 1));
      requested[receiver] += bytes;
      if (requests) {
        Direction back = d.connection().from(d.receiver());
        back.send(17, () -> piece(d, bytes));
      } else {
        piece(d, bytes);
      }
    }

    void piece(Direction d, long bytes) {
      messages++;
      d.send(
          bytes,
          () -> {
            int receiver = d.receiver().id();
            received[receiver] += bytes;
            if (received[receiver] == size) {
              completion[receiver] = sim.nowNanos();
            }
            ask(d);
          });
    }
  }
}
