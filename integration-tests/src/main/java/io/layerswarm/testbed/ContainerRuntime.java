package io.layerswarm.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the test bed's container runtimes share ({@link Dockerd}, {@link Containerd}, {@link
 * Podman}): a command-line client run with fixed leading arguments and environment, the daemon the
 * test bed started for it (podman has none), and a runtime directory in a short directory under
 * /tmp. {@link #close} removes the containers a failed test left, stops the daemon (SIGTERM, then
 * SIGKILL) and deletes the runtime directory unless something is still mounted there; data and logs
 * stay for inspection.
 */
public abstract class ContainerRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ContainerRuntime.class);

  /** How long each cleanup command may take. */
  static final Duration CLEANUP_TIMEOUT = Duration.ofSeconds(30);

  private final Optional<DaemonProcess> daemon;
  private final List<String> client;
  private final Map<String, String> environment;
  private final Path runtimeDir;

  /**
   * @param client the client binary and the arguments every call starts with
   * @param environment what every client call gets
   */
  ContainerRuntime(
      Optional<DaemonProcess> daemon,
      List<String> client,
      Map<String, String> environment,
      Path runtimeDir) {
    this.daemon = daemon;
    this.client = List.copyOf(client);
    this.environment = Map.copyOf(environment);
    this.runtimeDir = runtimeDir;
  }

  /** {@code <client> <args>}, killed after {@code timeout}. */
  final CommandResult client(Duration timeout, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(client);
    cmd.addAll(List.of(args));
    return CommandResult.run(cmd, environment, timeout);
  }

  /** Removes the containers a failed test left; the daemon, if any, still runs. */
  abstract void removeLeftovers() throws IOException, InterruptedException;

  @Override
  public final void close() {
    if (daemon.map(DaemonProcess::isAlive).orElse(true)) {
      try {
        removeLeftovers();
      } catch (IOException e) {
        log.warn("could not remove leftover containers of {}: {}", this, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    daemon.ifPresent(DaemonProcess::close);
    RuntimeDirs.deleteUnlessMounted(runtimeDir);
  }

  /** The non-empty lines of a command's output (container ids); none when it failed. */
  static List<String> lines(CommandResult result) {
    return result.ok()
        ? result.output().lines().map(String::strip).filter(s -> !s.isEmpty()).toList()
        : List.of();
  }

  /** Storage drivers to try in order, at least one. */
  static List<String> storageDrivers(String... drivers) {
    if (drivers.length == 0) {
      throw new IllegalArgumentException("at least one storage driver");
    }
    return List.of(drivers);
  }

  static void requireExecutable(Path binary, String debianPackage) throws IOException {
    if (!Files.isExecutable(binary)) {
      throw new IOException(
          binary
              + " not found; install the Debian package "
              + debianPackage
              + " (apt-get install -y "
              + debianPackage
              + ")");
    }
  }
}
