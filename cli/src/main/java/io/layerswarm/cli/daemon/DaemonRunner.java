package io.layerswarm.cli.daemon;

import io.layerswarm.cli.Main;
import io.layerswarm.cli.config.ConfigCheck;
import io.layerswarm.cli.config.ConfigException;
import io.layerswarm.cli.config.Settings;
import io.layerswarm.core.SetupException;
import io.layerswarm.core.disk.DataDirLock.DataDirLockedException;
import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a daemon's parts in order, prints one "ready" line on stdout (scripts wait for it), and
 * stops the parts in reverse order on SIGTERM or Ctrl-C.
 */
final class DaemonRunner {
  private static final Logger log = LoggerFactory.getLogger(DaemonRunner.class);

  interface Body {
    /** Starts parts with {@code parts.start(...)} and returns the ready line. */
    String start(Settings settings, Parts parts) throws Exception;
  }

  /** The started parts, closed in reverse order. */
  static final class Parts {
    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    <T extends AutoCloseable> T add(T part) {
      started.push(part);
      return part;
    }

    void closeAll() {
      while (!started.isEmpty()) {
        AutoCloseable part = started.pop();
        try {
          part.close();
        } catch (Exception e) {
          log.warn("stopping {} failed: {}", part, e.toString());
        }
      }
    }
  }

  private DaemonRunner() {}

  static int run(String name, DaemonOptions options, Body body) {
    PrintWriter out = options.spec.commandLine().getOut();
    PrintWriter err = options.spec.commandLine().getErr();
    Settings settings;
    try {
      settings = options.load();
      if (options.printConfig) {
        out.print(ConfigCheck.printable(settings, name));
        out.flush();
        return 0;
      }
    } catch (ConfigException e) {
      err.println("layerswarm " + name + ": config error: " + e.getMessage());
      err.flush();
      return Main.EXIT_CONFIG;
    }
    Parts parts = new Parts();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              log.info("{} stopping", name);
              parts.closeAll();
              stopped.countDown();
            },
            name + "-shutdown");
    try {
      String ready = body.start(settings, parts);
      Runtime.getRuntime().addShutdownHook(hook);
      out.println("layerswarm " + name + " ready: " + ready);
      out.flush();
    } catch (ConfigException e) {
      parts.closeAll();
      err.println("layerswarm " + name + ": config error: " + e.getMessage());
      err.flush();
      return Main.EXIT_CONFIG;
    } catch (Exception e) {
      parts.closeAll();
      Optional<DataDirLockedException> locked = causeOf(e, DataDirLockedException.class);
      if (locked.isPresent()) {
        err.println("layerswarm " + name + ": config error: " + locked.get().getMessage());
        err.flush();
        return Main.EXIT_CONFIG;
      }
      Optional<SetupException> setup = causeOf(e, SetupException.class);
      if (setup.isPresent()) {
        // The message names the key, the value and the fix: a stack trace adds nothing.
        err.println("layerswarm " + name + ": " + setup.get().getMessage());
        err.flush();
        return Main.EXIT_CONFIG;
      }
      log.error("{} failed to start", name, e);
      err.println("layerswarm " + name + ": failed to start: " + e);
      err.flush();
      return Main.EXIT_FAILURE;
    }
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /**
   * The {@code type} behind {@code e}, however the daemon wrapped it: a data directory another
   * daemon holds, or a {@link SetupException} (a port in use, a directory it may not create).
   */
  static <T extends Throwable> Optional<T> causeOf(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return Optional.of(type.cast(t));
      }
    }
    return Optional.empty();
  }
}
