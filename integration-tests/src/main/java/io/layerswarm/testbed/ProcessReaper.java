package io.layerswarm.testbed;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops every child process the test bed started when the JVM exits (normally, on Ctrl-C or
 * SIGTERM), so a failed or interrupted run leaves no registries or daemons behind. Only processes
 * registered here are touched, each by its own handle.
 */
public final class ProcessReaper {

  private static final Logger log = LoggerFactory.getLogger(ProcessReaper.class);
  private static final long GRACE_MILLIS = 10_000;
  private static final Map<Long, Registered> PROCESSES = new ConcurrentHashMap<>();
  private static volatile boolean hookInstalled;

  private record Registered(String name, Process process) {}

  private ProcessReaper() {}

  public static void register(String name, Process process) {
    installHook();
    PROCESSES.put(process.pid(), new Registered(name, process));
  }

  public static void unregister(Process process) {
    PROCESSES.remove(process.pid());
  }

  /** Names and PIDs of processes still registered, for diagnostics. */
  public static Map<Long, String> registered() {
    Map<Long, String> out = new java.util.TreeMap<>();
    PROCESSES.forEach((pid, r) -> out.put(pid, r.name()));
    return out;
  }

  /**
   * Stops all registered processes: SIGTERM to all, then up to 10 s grace in total, then SIGKILL.
   */
  public static void stopAll() {
    List<Registered> all = new ArrayList<>(PROCESSES.values());
    PROCESSES.clear();
    for (Registered r : all) {
      if (r.process().isAlive()) {
        r.process().destroy();
      }
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS);
    for (Registered r : all) {
      try {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !r.process().waitFor(left, TimeUnit.NANOSECONDS)) {
          r.process().destroyForcibly();
          r.process().waitFor(2, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        r.process().destroyForcibly();
      }
    }
    if (!all.isEmpty()) {
      log.info("stopped {} leftover test-bed process(es)", all.size());
    }
  }

  private static void installHook() {
    if (hookInstalled) {
      return;
    }
    synchronized (ProcessReaper.class) {
      if (!hookInstalled) {
        Runtime.getRuntime()
            .addShutdownHook(new Thread(ProcessReaper::stopAll, "testbed-process-reaper"));
        hookInstalled = true;
      }
    }
  }
}
