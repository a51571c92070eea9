package io.layerswarm.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debian's podman 4.3 with a private configuration: its own {@code registries.conf} ({@code
 * CONTAINERS_REGISTRIES_CONF}) and {@code storage.conf} ({@code CONTAINERS_STORAGE_CONF}, overlay,
 * or vfs when overlay does not work here), graph root under the given directory, run root and tmp
 * dir in a short directory under /tmp. Podman has no daemon: every call is a separate {@code
 * podman} process.
 *
 * <p>Facts this class encodes (podman 4.3.1, containers/image 5.23.1, on a cgroup v1 hybrid host
 * without CAP_SYS_RESOURCE): containers run with {@code --runtime runc} (crun 1.8 refuses cgroup
 * hybrid mode), {@code --network=none}, and low {@code nofile}/{@code nproc} ulimits (the defaults
 * can't be set without CAP_SYS_RESOURCE). A registries.conf mirror may carry a path ({@code
 * 127.0.0.1:5050/origin.test}); podman then asks {@code /v2/origin.test/<repo>/...}. The path must
 * be a valid repository path, so it cannot contain a port ({@code 127.0.0.1:5050/origin.test:5000}
 * fails with "rewriting reference: invalid reference format"). If all mirrors fail podman silently
 * falls back to the primary location; podman runs with {@link LoopbackOnly#proxyEnvironment()} so
 * that fallback cannot leave the host.
 */
public final class Podman extends ContainerRuntime {

  public static final Path DEFAULT_BINARY = Path.of("/usr/bin/podman");
  private static final Logger log = LoggerFactory.getLogger(Podman.class);

  /**
   * One {@code [[registry]]} table: pulls of {@code prefix} go to the mirrors first, then {@code
   * location}.
   */
  public record Registry(String prefix, String location, boolean insecure, List<String> mirrors) {
    public Registry {
      Objects.requireNonNull(prefix, "prefix");
      Objects.requireNonNull(location, "location");
      mirrors = List.copyOf(mirrors);
    }

    String toml() {
      StringBuilder b =
          new StringBuilder()
              .append("[[registry]]\n")
              .append("prefix = \"")
              .append(prefix)
              .append("\"\n")
              .append("location = \"")
              .append(location)
              .append("\"\n")
              .append("insecure = ")
              .append(insecure)
              .append('\n');
      for (String mirror : mirrors) {
        b.append("[[registry.mirror]]\n")
            .append("location = \"")
            .append(mirror)
            .append("\"\n")
            .append("insecure = true\n");
      }
      return b.append('\n').toString();
    }
  }

  private final Path dir;
  private final String storageDriver;
  private final Map<String, String> environment;

  private Podman(
      Path binary,
      Path dir,
      Path runtimeDir,
      String storageDriver,
      Map<String, String> environment) {
    super(Optional.empty(), command(binary, runtimeDir), environment, runtimeDir);
    this.dir = dir;
    this.storageDriver = storageDriver;
    this.environment = Map.copyOf(environment);
  }

  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  /** overlay or vfs: the first one {@code podman info} accepted. */
  public String storageDriver() {
    return storageDriver;
  }

  public Path registriesConf() {
    return dir.resolve("registries.conf");
  }

  public Path storageConf() {
    return dir.resolve("storage.conf");
  }

  /** The variables every podman call gets: the private configs and the loopback-only proxy. */
  public Map<String, String> environment() {
    return environment;
  }

  /**
   * {@code podman --runtime runc --cgroup-manager cgroupfs --events-backend none --tmpdir <tmp>
   * <args>}, killed after {@code timeout}.
   */
  public CommandResult podman(Duration timeout, String... args)
      throws IOException, InterruptedException {
    return client(timeout, args);
  }

  public CommandResult pull(String reference, Duration timeout)
      throws IOException, InterruptedException {
    return podman(timeout, "pull", reference);
  }

  /**
   * {@code podman run --rm --pull=never --network=none --ulimit nofile=1024:1024 --ulimit
   * nproc=1024:1024 <ref> <command...>}.
   */
  public CommandResult run(String reference, Duration timeout, String... command)
      throws IOException, InterruptedException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--rm",
                "--pull=never",
                "--network=none",
                "--ulimit",
                "nofile=1024:1024",
                "--ulimit",
                "nproc=1024:1024",
                reference));
    args.addAll(List.of(command));
    return podman(timeout, args.toArray(String[]::new));
  }

  /** {@code podman rm --all --force} (a test that failed half-way). */
  @Override
  void removeLeftovers() throws IOException, InterruptedException {
    CommandResult rm = podman(CLEANUP_TIMEOUT, "rm", "--all", "--force");
    if (!rm.ok()) {
      log.warn("podman rm --all --force failed: {}", rm.describe());
    }
  }

  @Override
  public String toString() {
    return "Podman[" + storageDriver + ", " + dir + "]";
  }

  private static List<String> command(Path binary, Path runtimeDir, String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "--runtime",
                "runc",
                "--cgroup-manager",
                "cgroupfs",
                "--events-backend",
                "none",
                "--tmpdir",
                runtimeDir.resolve("tmp").toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Writes the configuration and picks the storage driver. */
  public static final class Builder {
    private final Path dir;
    private Path binary = DEFAULT_BINARY;
    private final List<Registry> registries = new ArrayList<>();
    private List<String> storageDrivers = List.of("overlay", "vfs");

    private Builder(Path dir) {
      this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
    }

    public Builder binary(Path binary) {
      this.binary = Objects.requireNonNull(binary, "binary");
      return this;
    }

    /**
     * Adds a {@code [[registry]]} table whose mirrors (plain HTTP) are tried before {@code
     * location}.
     */
    public Builder registry(String prefix, String location, boolean insecure, String... mirrors) {
      registries.add(new Registry(prefix, location, insecure, List.of(mirrors)));
      return this;
    }

    public Builder storageDrivers(String... drivers) {
      this.storageDrivers = ContainerRuntime.storageDrivers(drivers);
      return this;
    }

    public Podman start() throws IOException, InterruptedException {
      requireExecutable(binary, "podman");
      Files.createDirectories(dir);
      StringBuilder conf =
          new StringBuilder(
              "# written by the LayerSwarm test bed\n" + "unqualified-search-registries = []\n\n");
      registries.forEach(r -> conf.append(r.toml()));
      Files.writeString(dir.resolve("registries.conf"), conf.toString());
      Path runtimeDir = RuntimeDirs.create("ls-podman-");
      IOException last = null;
      try {
        for (String driver : storageDrivers) {
          Files.writeString(
              dir.resolve("storage.conf"),
              "[storage]\n"
                  + "driver = \""
                  + driver
                  + "\"\n"
                  + "graphroot = \""
                  + dir.resolve("storage-" + driver)
                  + "\"\n"
                  + "runroot = \""
                  + runtimeDir.resolve("run-" + driver)
                  + "\"\n");
          Map<String, String> env = new LinkedHashMap<>(LoopbackOnly.proxyEnvironment());
          env.put("CONTAINERS_REGISTRIES_CONF", dir.resolve("registries.conf").toString());
          env.put("CONTAINERS_STORAGE_CONF", dir.resolve("storage.conf").toString());
          CommandResult info =
              CommandResult.run(
                  command(binary, runtimeDir, "info", "--format", "{{.Store.GraphDriverName}}"),
                  env,
                  Duration.ofSeconds(60));
          if (info.ok() && info.output().strip().endsWith(driver)) {
            Podman podman = new Podman(binary, dir, runtimeDir, driver, env);
            log.info("podman ready: {}", podman);
            return podman;
          }
          log.warn("podman storage driver {} does not work here: {}", driver, info.describe());
          IOException failure = new IOException(info.describe());
          if (last != null) {
            failure.addSuppressed(last);
          }
          last = failure;
        }
      } catch (IOException | InterruptedException | RuntimeException e) {
        RuntimeDirs.deleteUnlessMounted(runtimeDir);
        throw e;
      }
      RuntimeDirs.deleteUnlessMounted(runtimeDir);
      throw new IOException(
          "podman works with none of the storage drivers " + storageDrivers, last);
    }
  }
}
