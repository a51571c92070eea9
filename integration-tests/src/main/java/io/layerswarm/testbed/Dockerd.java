package io.layerswarm.testbed;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debian's Docker engine ({@code docker.io}, dockerd 20.10) started by hand as a child process,
 * without systemd, with private paths: socket, exec root and pid file in a short directory under
 * /tmp (socket paths are limited to 108 bytes), data root and log in the given directory. No
 * iptables, no bridge, no masquerading: containers run with {@code --network none}. dockerd starts
 * its own containerd below the exec root and stops it on SIGTERM.
 *
 * <p>dockerd uses a {@code --registry-mirror} for Docker Hub names only ({@code lsdemo:1}, {@code
 * library/x}, {@code docker.io/x/y}), and falls back to {@code registry-1.docker.io} when the
 * mirror answers 404 or fails. The daemon runs with {@link LoopbackOnly#proxyEnvironment()}, so
 * such a fallback fails at once instead of resolving a public name; still, only pull names the
 * mirror has.
 *
 * <p>The client is {@code /usr/bin/docker} from the same package, always with {@code -H
 * unix://<socket>}: a different {@code docker} earlier in PATH (such as an unrelated {@code
 * /usr/local/bin/docker}) is never used.
 *
 * <pre>{@code
 * try (Dockerd dockerd = Dockerd.builder(dir).registryMirror(agentUri).start()) {
 *     dockerd.docker(Duration.ofMinutes(2), "pull", "lsdemo:1").requireSuccess();
 * }
 * }</pre>
 */
public final class Dockerd extends ContainerRuntime {

  public static final Path DEFAULT_DOCKERD = Path.of("/usr/sbin/dockerd");
  public static final Path DEFAULT_DOCKER = Path.of("/usr/bin/docker");
  private static final Logger log = LoggerFactory.getLogger(Dockerd.class);

  private final DaemonProcess process;
  private final Path socket;
  private final Path dataRoot;
  private final String storageDriver;

  private Dockerd(
      DaemonProcess process,
      Path docker,
      Path socket,
      Path runtimeDir,
      Path dataRoot,
      String storageDriver) {
    super(
        Optional.of(process),
        List.of(docker.toString(), "-H", "unix://" + socket),
        Map.of(),
        runtimeDir);
    this.process = process;
    this.socket = socket;
    this.dataRoot = dataRoot;
    this.storageDriver = storageDriver;
  }

  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  /** {@code unix:///tmp/.../docker.sock}, for {@code docker -H}. */
  public String host() {
    return "unix://" + socket;
  }

  /** The storage driver that came up: the first of the builder's list that worked. */
  public String storageDriver() {
    return storageDriver;
  }

  public Path dataRoot() {
    return dataRoot;
  }

  public Path logFile() {
    return process.logFile();
  }

  public long pid() {
    return process.pid();
  }

  /** {@code /usr/bin/docker -H unix://<socket> <args>}, killed after {@code timeout}. */
  public CommandResult docker(Duration timeout, String... args)
      throws IOException, InterruptedException {
    return client(timeout, args);
  }

  /** {@code docker rm -f} of every container, stopped or not (a test that failed half-way). */
  @Override
  void removeLeftovers() throws IOException, InterruptedException {
    List<String> ids = lines(docker(CLEANUP_TIMEOUT, "ps", "-aq"));
    if (!ids.isEmpty()) {
      List<String> rm = new ArrayList<>(List.of("rm", "-f"));
      rm.addAll(ids);
      log.info(
          "removing leftover containers {}: {}",
          ids,
          docker(CLEANUP_TIMEOUT, rm.toArray(String[]::new)).output().strip());
    }
  }

  @Override
  public String toString() {
    return "Dockerd[pid "
        + pid()
        + ", "
        + host()
        + ", "
        + storageDriver
        + ", log "
        + logFile()
        + "]";
  }

  /** Configures and starts a {@link Dockerd}. */
  public static final class Builder {
    private final Path dir;
    private Path dockerd = DEFAULT_DOCKERD;
    private Path docker = DEFAULT_DOCKER;
    private final List<URI> mirrors = new ArrayList<>();
    private final List<String> insecureRegistries = new ArrayList<>();
    private List<String> storageDrivers = List.of("overlay2", "vfs");
    private Duration readyTimeout = Duration.ofSeconds(60);
    private URI httpsProxy;

    private Builder(Path dir) {
      this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
    }

    public Builder binaries(Path dockerd, Path docker) {
      this.dockerd = Objects.requireNonNull(dockerd, "dockerd");
      this.docker = Objects.requireNonNull(docker, "docker");
      return this;
    }

    /**
     * {@code --registry-mirror}, e.g. {@code http://127.0.0.1:5050} (used for Docker Hub names
     * only).
     */
    public Builder registryMirror(URI mirror) {
      mirrors.add(Objects.requireNonNull(mirror, "mirror"));
      return this;
    }

    /**
     * {@code --insecure-registry host:port}, for pulling from a plain-HTTP registry by its own
     * name.
     */
    public Builder insecureRegistry(String hostPort) {
      insecureRegistries.add(Objects.requireNonNull(hostPort, "hostPort"));
      return this;
    }

    /**
     * {@code HTTPS_PROXY} for dockerd, e.g. the agent's {@code http://127.0.0.1:5051}; {@code
     * NO_PROXY} stays loopback, and {@code HTTP_PROXY} the closed port of {@link LoopbackOnly}.
     */
    public Builder httpsProxy(URI proxy) {
      this.httpsProxy = Objects.requireNonNull(proxy, "proxy");
      return this;
    }

    /** Storage drivers to try in order; the default is overlay2, then vfs. */
    public Builder storageDrivers(String... drivers) {
      this.storageDrivers = ContainerRuntime.storageDrivers(drivers);
      return this;
    }

    public Builder readyTimeout(Duration timeout) {
      this.readyTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Starts dockerd with the first storage driver that works and waits until it serves its API.
     * Each attempt gets a fresh data root ({@code <dir>/data-<driver>}) and runtime directory.
     */
    public Dockerd start() throws IOException, InterruptedException {
      requireExecutable(dockerd, "docker.io");
      requireExecutable(docker, "docker.io");
      Files.createDirectories(dir);
      Path config = dir.resolve("daemon.json");
      // An empty config of our own: /etc/docker/daemon.json of the host must not change the test.
      Files.writeString(config, "{}\n");
      IOException last = null;
      for (String driver : storageDrivers) {
        Path runtimeDir = RuntimeDirs.create("ls-dockerd-");
        Path socket = runtimeDir.resolve("docker.sock");
        Path dataRoot = Files.createDirectories(dir.resolve("data-" + driver));
        List<String> cmd =
            new ArrayList<>(
                List.of(
                    dockerd.toString(),
                    "--config-file",
                    config.toString(),
                    "--host",
                    "unix://" + socket,
                    "--data-root",
                    dataRoot.toString(),
                    "--exec-root",
                    runtimeDir.resolve("exec").toString(),
                    "--pidfile",
                    runtimeDir.resolve("docker.pid").toString(),
                    "--iptables=false",
                    "--ip-masq=false",
                    "--bridge=none",
                    "--storage-driver=" + driver));
        for (URI mirror : mirrors) {
          cmd.add("--registry-mirror");
          cmd.add(mirror.toString());
        }
        for (String registry : insecureRegistries) {
          cmd.add("--insecure-registry");
          cmd.add(registry);
        }
        DaemonProcess.Builder b =
            DaemonProcess.builder("dockerd-" + driver, cmd)
                .workingDir(dir)
                .logFile(dir.resolve("dockerd.log"))
                .readyWhenOutputContains("API listen on " + socket)
                .readyTimeout(readyTimeout)
                .stopTimeout(Duration.ofSeconds(30));
        LoopbackOnly.proxyEnvironment().forEach(b::env);
        if (httpsProxy != null) {
          b.env("HTTPS_PROXY", httpsProxy.toString());
          b.env("https_proxy", httpsProxy.toString());
        }
        try {
          Dockerd started = new Dockerd(b.start(), docker, socket, runtimeDir, dataRoot, driver);
          log.info("dockerd ready: {}", started);
          return started;
        } catch (IOException e) {
          // DaemonProcess stopped it already; a driver the kernel or file system can't do ends
          // here.
          log.warn("dockerd with storage driver {} did not come up: {}", driver, e.getMessage());
          RuntimeDirs.deleteUnlessMounted(runtimeDir);
          if (last != null) {
            e.addSuppressed(last);
          }
          last = e;
        }
      }
      throw new IOException(
          "dockerd did not come up with any of the storage drivers "
              + storageDrivers
              + " (log: "
              + dir.resolve("dockerd.log")
              + ")",
          last);
    }
  }
}
