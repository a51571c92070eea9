package io.layerswarm.testbed;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debian's containerd 1.6 as a child process with a private config: CRI disabled, root (content and
 * snapshots) under the given directory, state and the gRPC socket in a short directory under /tmp.
 * Pulls and runs go through {@code ctr}, which resolves and fetches images itself (client side)
 * using the hosts directory this class writes: {@code <dir>/certs.d/<registry host>/hosts.toml}.
 *
 * <p>With a mirror in hosts.toml containerd sends {@code ?ns=<registry host>} on every request to
 * the mirror, which tells it the upstream. If the mirror fails it falls back to {@code server};
 * {@code ctr} runs with {@link LoopbackOnly#proxyEnvironment()} so a fallback to a public registry
 * fails instead of leaving the host. A fallback to a loopback {@code server} is not prevented:
 * check the server's access log.
 *
 * <pre>{@code
 * try (Containerd containerd = Containerd.builder(dir).start()) {
 *     containerd.mirror("docker.io", "https://registry-1.docker.io", agentUri);
 *     containerd.pull("docker.io/library/lsdemo:1", Duration.ofMinutes(2)).requireSuccess();
 *     containerd.run("docker.io/library/lsdemo:1", "c1", Duration.ofMinutes(1), "ls", "/data");
 * }
 * }</pre>
 */
public final class Containerd extends ContainerRuntime {

  public static final Path DEFAULT_CONTAINERD = Path.of("/usr/bin/containerd");
  public static final Path DEFAULT_CTR = Path.of("/usr/bin/ctr");
  private static final Logger log = LoggerFactory.getLogger(Containerd.class);

  private final DaemonProcess process;
  private final Path socket;
  private final Path hostsDir;
  private final String snapshotter;

  private Containerd(
      DaemonProcess process,
      Path ctr,
      Path socket,
      Path runtimeDir,
      Path hostsDir,
      String snapshotter) {
    super(
        Optional.of(process),
        List.of(ctr.toString(), "-a", socket.toString()),
        LoopbackOnly.proxyEnvironment(),
        runtimeDir);
    this.process = process;
    this.socket = socket;
    this.hostsDir = hostsDir;
    this.snapshotter = snapshotter;
  }

  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  public Path socket() {
    return socket;
  }

  /** The {@code --hosts-dir} for pulls: {@code <dir>/certs.d}. */
  public Path hostsDir() {
    return hostsDir;
  }

  /** overlayfs when its plugin loaded, else native. */
  public String snapshotter() {
    return snapshotter;
  }

  public Path logFile() {
    return process.logFile();
  }

  public long pid() {
    return process.pid();
  }

  /**
   * Writes {@code certs.d/<registryHost>/hosts.toml}: {@code server} (the registry itself) with
   * {@code mirror} as a host with the pull and resolve capabilities, tried first.
   *
   * @param registryHost how image references name the registry: {@code docker.io}, {@code
   *     127.0.0.1:5000}
   * @param server the registry's own URL, e.g. {@code https://registry-1.docker.io}
   * @param mirror e.g. {@code http://127.0.0.1:5050}
   */
  public Path mirror(String registryHost, String server, URI mirror) throws IOException {
    Path file = Files.createDirectories(hostsDir.resolve(registryHost)).resolve("hosts.toml");
    Files.writeString(
        file,
        "server = \""
            + server
            + "\"\n"
            + "\n"
            + "[host.\""
            + mirror
            + "\"]\n"
            + "  capabilities = [\"pull\", \"resolve\"]\n");
    return file;
  }

  /**
   * {@code ctr -a <socket> <args>}, with the loopback-only proxy environment, killed after {@code
   * timeout}.
   */
  public CommandResult ctr(Duration timeout, String... args)
      throws IOException, InterruptedException {
    return client(timeout, args);
  }

  /** {@code ctr image pull --hosts-dir <certs.d> --snapshotter <s> <ref>}: fetch and unpack. */
  public CommandResult pull(String reference, Duration timeout)
      throws IOException, InterruptedException {
    return ctr(
        timeout,
        "image",
        "pull",
        "--hosts-dir",
        hostsDir.toString(),
        "--snapshotter",
        snapshotter,
        reference);
  }

  /**
   * {@code ctr run --rm --snapshotter <s> <ref> <id> <command...>} (runc, host network namespace
   * untouched).
   */
  public CommandResult run(
      String reference, String containerId, Duration timeout, String... command)
      throws IOException, InterruptedException {
    List<String> args =
        new ArrayList<>(
            List.of("run", "--rm", "--snapshotter", snapshotter, reference, containerId));
    args.addAll(List.of(command));
    return ctr(timeout, args.toArray(String[]::new));
  }

  /** Kills and deletes every container (a test that failed half-way). */
  @Override
  void removeLeftovers() throws IOException, InterruptedException {
    for (String id : lines(ctr(CLEANUP_TIMEOUT, "containers", "ls", "-q"))) {
      log.info("removing leftover container {}", id);
      ctr(CLEANUP_TIMEOUT, "task", "kill", "--signal", "SIGKILL", id);
      ctr(CLEANUP_TIMEOUT, "task", "delete", "--force", id);
      ctr(CLEANUP_TIMEOUT, "containers", "delete", id);
    }
  }

  @Override
  public String toString() {
    return "Containerd[pid "
        + pid()
        + ", "
        + socket
        + ", snapshotter "
        + snapshotter
        + ", log "
        + logFile()
        + "]";
  }

  /** Configures and starts a {@link Containerd}. */
  public static final class Builder {
    private final Path dir;
    private Path containerd = DEFAULT_CONTAINERD;
    private Path ctr = DEFAULT_CTR;
    private Duration readyTimeout = Duration.ofSeconds(60);

    private Builder(Path dir) {
      this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
    }

    public Builder binaries(Path containerd, Path ctr) {
      this.containerd = Objects.requireNonNull(containerd, "containerd");
      this.ctr = Objects.requireNonNull(ctr, "ctr");
      return this;
    }

    public Builder readyTimeout(Duration timeout) {
      this.readyTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    public Containerd start() throws IOException, InterruptedException {
      requireExecutable(containerd, "containerd");
      requireExecutable(ctr, "containerd");
      Files.createDirectories(dir);
      Path root = Files.createDirectories(dir.resolve("root"));
      Path hostsDir = Files.createDirectories(dir.resolve("certs.d"));
      Path runtimeDir = RuntimeDirs.create("ls-containerd-");
      Path socket = runtimeDir.resolve("containerd.sock");
      Path config = dir.resolve("config.toml");
      Files.writeString(
          config,
          "version = 2\n"
              + "root = \""
              + root
              + "\"\n"
              + "state = \""
              + runtimeDir.resolve("state")
              + "\"\n"
              + "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n"
              + "\n"
              + "[grpc]\n"
              + "  address = \""
              + socket
              + "\"\n"
              + "\n"
              + "[ttrpc]\n"
              + "  address = \""
              + socket
              + ".ttrpc\"\n");
      DaemonProcess.Builder b =
          DaemonProcess.builder(
                  "containerd", List.of(containerd.toString(), "--config", config.toString()))
              .workingDir(dir)
              .logFile(dir.resolve("containerd.log"))
              .readyWhenOutputContains("containerd successfully booted")
              .readyTimeout(readyTimeout)
              .stopTimeout(Duration.ofSeconds(20));
      LoopbackOnly.proxyEnvironment().forEach(b::env);
      DaemonProcess process;
      try {
        process = b.start();
      } catch (IOException | InterruptedException | RuntimeException e) {
        RuntimeDirs.deleteUnlessMounted(runtimeDir);
        throw e;
      }
      Containerd started = new Containerd(process, ctr, socket, runtimeDir, hostsDir, "overlayfs");
      try {
        CommandResult plugins =
            started.ctr(Duration.ofSeconds(30), "plugins", "ls").requireSuccess();
        boolean overlay =
            plugins
                .output()
                .lines()
                .map(l -> l.trim().split("\\s+"))
                .anyMatch(
                    f ->
                        f.length >= 4
                            && f[0].equals("io.containerd.snapshotter.v1")
                            && f[1].equals("overlayfs")
                            && f[f.length - 1].equals("ok"));
        if (!overlay) {
          log.warn("containerd's overlayfs snapshotter is not available here; using native");
          started = new Containerd(process, ctr, socket, runtimeDir, hostsDir, "native");
        }
      } catch (IOException | InterruptedException | RuntimeException e) {
        started.close();
        throw e;
      }
      log.info("containerd ready: {}", started);
      return started;
    }
  }
}
