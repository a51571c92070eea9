package io.layerswarm.testbed.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What happens inside the LayerSwarm agents during a pull, for the swarm benchmark: their CPU by
 * thread (JIT compilers, the VM thread that also runs the serial GC, event loops, disk threads),
 * from {@code /proc/<pid>/task}, and the piece payload their engines counted (needed and
 * duplicate), from each agent's {@code /metrics}. Link counters cannot tell duplicates from TCP
 * retransmissions; these can.
 */
final class AgentInside {
  private static final Pattern METRIC =
      Pattern.compile("(?m)^(agent_peer_(?:downloaded|duplicate|uploaded)_bytes_total) (\\S+)$");

  private AgentInside() {}

  /** CPU-seconds so far of every thread of {@code pids}, summed by thread class. */
  static Map<String, Double> threadCpu(List<Long> pids) {
    Map<String, Double> out = new TreeMap<>();
    for (long pid : pids) {
      Path tasks = Path.of("/proc", Long.toString(pid), "task");
      try (Stream<Path> threads = Files.list(tasks)) {
        for (Path t : threads.toList()) {
          try {
            String comm = Files.readString(t.resolve("comm")).strip();
            double seconds = ProcCpu.parseStat(Files.readString(t.resolve("stat")), false);
            out.merge(threadClass(comm), seconds, Double::sum);
          } catch (IOException | RuntimeException e) {
            // The thread ended between the listing and the read.
          }
        }
      } catch (IOException e) {
        // The process is gone.
      }
    }
    return out;
  }

  /**
   * The class of a thread by its name (Linux keeps 15 characters): the JIT compilers and the VM
   * thread by their JVM names, ours by their name without the numbers ({@code swarm-io-4-2} is
   * {@code swarm-io}).
   */
  static String threadClass(String comm) {
    if (comm.startsWith("C2 Compiler")) {
      return "jit-c2";
    }
    if (comm.startsWith("C1 Compiler")) {
      return "jit-c1";
    }
    if (comm.equals("VM Thread") || comm.startsWith("GC ") || comm.startsWith("G1 ")) {
      return "vm+gc";
    }
    if (comm.equals("java")) {
      return "main";
    }
    String stripped = comm.replaceAll("[-#]?\\d+", "").replaceAll("-+$", "");
    return stripped.isEmpty() ? "other" : stripped;
  }

  /** Per agent: CPU-seconds by thread class between two {@link #threadCpu} readings. */
  static Map<String, Double> perAgent(
      Map<String, Double> before, Map<String, Double> after, int n) {
    Map<String, Double> out = new TreeMap<>();
    after.forEach((k, v) -> out.put(k, (v - before.getOrDefault(k, 0.0)) / n));
    return out;
  }

  /**
   * The engine's payload counters of each agent, as {@code downloaded}, {@code duplicate} and
   * {@code uploaded} means over the agents, in bytes; empty when an agent did not answer.
   */
  static Map<String, Double> peerPayload(List<NetnsTopology.Host> hosts, int agentPort) {
    Map<String, Double> sum = new LinkedHashMap<>();
    for (NetnsTopology.Host h : hosts) {
      String text;
      try {
        text =
            Commands.checkIn(
                h.netns(),
                "curl",
                "-s",
                "--max-time",
                "10",
                "http://127.0.0.1:" + agentPort + "/metrics");
      } catch (IOException | RuntimeException e) {
        return Map.of();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Map.of();
      }
      Matcher m = METRIC.matcher(text);
      while (m.find()) {
        String key = m.group(1).replace("agent_peer_", "").replace("_bytes_total", "");
        sum.merge(key, Double.parseDouble(m.group(2)) / hosts.size(), Double::sum);
      }
    }
    return sum;
  }

  /**
   * The section of the report: for each LayerSwarm phase, the agents' payload by the engine's
   * counters and their CPU by thread class, per agent.
   */
  static void markdown(StringBuilder b, List<SwarmBench.PhaseResult> phases, long imageBytes) {
    List<SwarmBench.PhaseResult> ours =
        phases.stream().filter(p -> p.details().get("agent_cpu_by_thread") instanceof Map).toList();
    if (ours.isEmpty()) {
      return;
    }
    java.util.Set<String> classes = new java.util.TreeSet<>();
    for (SwarmBench.PhaseResult p : ours) {
      ((Map<?, ?>) p.details().get("agent_cpu_by_thread"))
          .forEach(
              (k, v) -> {
                if (v instanceof Number x && x.doubleValue() >= 0.05) {
                  classes.add(k.toString());
                }
              });
    }
    b.append("### Inside the agents\n\n");
    b.append(
        "Payload = piece bytes by the engines' own counters (`agent_peer_*_bytes_total`), mean per"
            + " agent ÷ S: received and needed, received twice or late (duplicates), sent. Unlike the"
            + " link counters above, no TCP/IP framing or retransmission is in them. CPU = CPU-s per"
            + " agent during the pull by thread: `jit-c1`/`jit-c2` the JIT compilers, `vm+gc` the VM"
            + " thread (which runs the serial GC), the rest by thread name.\n\n");
    b.append("| N | method | payload rx ÷ S | duplicates ÷ S | payload tx ÷ S | ");
    classes.forEach(c -> b.append(c).append(" s | "));
    b.append("\n|---:|---|---:|---:|---:|").append("---:|".repeat(classes.size())).append('\n');
    for (SwarmBench.PhaseResult p : ours) {
      Map<?, ?> payload =
          p.details().get("agent_payload_bytes") instanceof Map<?, ?> m ? m : Map.of();
      Map<?, ?> cpu = (Map<?, ?>) p.details().get("agent_cpu_by_thread");
      b.append("| ").append(p.hosts()).append(" | ").append(p.method()).append(" | ");
      for (String key : List.of("downloaded", "duplicate", "uploaded")) {
        b.append(
                payload.get(key) instanceof Number x
                    ? SwarmBenchReport.fmt("%.3f", x.doubleValue() / imageBytes)
                    : "-")
            .append(" | ");
      }
      for (String c : classes) {
        b.append(
                cpu.get(c) instanceof Number x
                    ? SwarmBenchReport.fmt("%.2f", x.doubleValue())
                    : "-")
            .append(" | ");
      }
      b.append('\n');
    }
    b.append('\n');
  }
}
