package io.layerswarm.testbed;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervises a daemon by a systemd unit's restart policy, for hosts whose PID 1 is not systemd:
 * when the process exits, it is started again after {@code RestartSec=} if {@link
 * SystemdUnit#restartsAfter} says systemd would. Only that policy is emulated; no cgroup, no
 * sandboxing, no watchdog. Closing stops the current process and restarts no more.
 */
public final class UnitSupervisor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UnitSupervisor.class);

  /** Starts the daemon once; called again for every restart. */
  @FunctionalInterface
  public interface Starter {
    DaemonProcess start() throws IOException, InterruptedException;
  }

  /** One exit the supervisor saw, and whether it restarted the daemon after it. */
  public record Exit(Instant at, int exitCode, boolean restarted) {}

  private final SystemdUnit unit;
  private final Starter starter;
  private final ScheduledExecutorService watcher =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "unit-supervisor");
            t.setDaemon(true);
            return t;
          });
  private final List<Exit> exits = new CopyOnWriteArrayList<>();
  private final List<DaemonProcess> started = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private UnitSupervisor(SystemdUnit unit, Starter starter) {
    this.unit = unit;
    this.starter = starter;
  }

  /** Starts the daemon (waiting until it is ready) and supervises it. */
  public static UnitSupervisor start(SystemdUnit unit, Starter starter)
      throws IOException, InterruptedException {
    UnitSupervisor supervisor = new UnitSupervisor(unit, starter);
    supervisor.started.add(starter.start());
    supervisor.watcher.execute(supervisor::watch);
    return supervisor;
  }

  /** The daemon running now (or the last one, when it exited for good). */
  public DaemonProcess current() {
    return started.get(started.size() - 1);
  }

  /** Every process started so far, the first one included. */
  public List<DaemonProcess> processes() {
    return new ArrayList<>(started);
  }

  public List<Exit> exits() {
    return new ArrayList<>(exits);
  }

  private void watch() {
    DaemonProcess process = current();
    Optional<Integer> exit;
    try {
      exit = process.awaitExit(Duration.ofMillis(200));
    } catch (InterruptedException e) {
      return;
    }
    if (closed) {
      return;
    }
    if (exit.isEmpty()) {
      watcher.execute(this::watch);
      return;
    }
    int code = exit.get();
    boolean restart = unit.restartsAfter(code);
    exits.add(new Exit(Instant.now(), code, restart));
    log.info(
        "{} exited with {}; {} ({} of {})",
        process.name(),
        code,
        restart ? "restarting in " + unit.restartSec() : "not restarting",
        "Restart=" + unit.restart(),
        unit.file().getFileName());
    if (restart) {
      watcher.schedule(this::restart, unit.restartSec().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void restart() {
    if (closed) {
      return;
    }
    try {
      started.add(starter.start());
    } catch (IOException e) {
      log.warn("restarting failed: {}", e.toString());
      return;
    } catch (InterruptedException e) {
      return;
    }
    watcher.execute(this::watch);
  }

  @Override
  public void close() {
    closed = true;
    watcher.shutdownNow();
    for (DaemonProcess process : started) {
      process.close();
    }
  }
}
