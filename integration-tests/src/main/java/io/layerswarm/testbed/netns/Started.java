package io.layerswarm.testbed.netns;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The processes one phase of the swarm benchmark started, by role and by host: for CPU accounting
 * and for stopping them all at the end of the phase. Thread-safe.
 */
final class Started implements AutoCloseable {

  private record Entry(String role, String host, long pid) {}

  private final List<Entry> entries = Collections.synchronizedList(new ArrayList<>());
  private final List<AutoCloseable> closeables = Collections.synchronizedList(new ArrayList<>());

  /** Records a process of {@code role} on {@code host}; {@code c} stops it. */
  void add(String role, String host, long pid, AutoCloseable c) {
    entries.add(new Entry(role, host, pid));
    closeables.add(c);
  }

  /** The roles seen so far, in the order they were first added. */
  List<String> roles() {
    synchronized (entries) {
      return entries.stream().map(Entry::role).distinct().toList();
    }
  }

  /** How many processes of a role were started. */
  int count(String role) {
    synchronized (entries) {
      return (int) entries.stream().filter(e -> e.role().equals(role)).count();
    }
  }

  /** The process ids of a role. */
  List<Long> pids(String role) {
    synchronized (entries) {
      return entries.stream().filter(e -> e.role().equals(role)).map(Entry::pid).toList();
    }
  }

  /**
   * user+sys seconds so far, summed by role. Children a process has waited for count too (the
   * aria2c completion hooks), so a process that exited counts 0.
   */
  Map<String, Double> cpu() {
    return sum(true);
  }

  /** As {@link #cpu}, summed by host name instead of role. */
  Map<String, Double> cpuByHost() {
    return sum(false);
  }

  private Map<String, Double> sum(boolean byRole) {
    Map<String, Double> out = new LinkedHashMap<>();
    List<Entry> all;
    synchronized (entries) {
      all = new ArrayList<>(entries);
    }
    for (Entry e : all) {
      OptionalDouble s = ProcCpu.secondsWithChildren(e.pid());
      out.merge(byRole ? e.role() : e.host(), s.orElse(0), Double::sum);
    }
    return out;
  }

  @Override
  public void close() {
    List<AutoCloseable> all;
    synchronized (closeables) {
      all = new ArrayList<>(closeables);
      closeables.clear();
    }
    // Stop in parallel: a JVM takes a moment to shut down and there may be dozens.
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(16, all.size())));
    for (AutoCloseable c : all) {
      pool.submit(
          () -> {
            try {
              c.close();
            } catch (Exception e) {
              // DaemonProcess.close escalates to SIGKILL itself
            }
            return null;
          });
    }
    pool.shutdown();
    try {
      pool.awaitTermination(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
