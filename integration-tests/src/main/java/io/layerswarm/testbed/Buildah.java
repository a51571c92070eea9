package io.layerswarm.testbed;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debian's buildah 1.28 on the configuration of a test-bed {@link Podman}: the same {@code
 * registries.conf} (so the same mirrors) and the same storage, through the same environment
 * variables. Like podman it has no daemon. Containers run with {@code --isolation chroot}, which
 * needs neither an OCI runtime nor cgroups.
 */
public final class Buildah extends ContainerRuntime {
  public static final Path DEFAULT_BINARY = Path.of("/usr/bin/buildah");
  private static final Logger log = LoggerFactory.getLogger(Buildah.class);

  private final String storageDriver;

  private Buildah(Path binary, Podman podman, Path runtimeDir) {
    super(
        Optional.empty(),
        List.of(binary.toString(), "--storage-driver", podman.storageDriver()),
        podman.environment(),
        runtimeDir);
    this.storageDriver = podman.storageDriver();
  }

  /** buildah with {@code podman}'s registries, storage and loopback-only proxy settings. */
  public static Buildah sharingConfigOf(Podman podman) throws IOException {
    requireExecutable(DEFAULT_BINARY, "buildah");
    return new Buildah(DEFAULT_BINARY, podman, RuntimeDirs.create("ls-buildah-"));
  }

  public CommandResult buildah(Duration timeout, String... args)
      throws IOException, InterruptedException {
    return client(timeout, args);
  }

  public CommandResult pull(String reference, Duration timeout)
      throws IOException, InterruptedException {
    return buildah(timeout, "pull", reference);
  }

  /**
   * {@code buildah from --pull=never <ref>}, then {@code buildah run --isolation chroot <ctr> --
   * <command...>}, then {@code buildah rm <ctr>}; the result is the run's.
   */
  public CommandResult run(String reference, Duration timeout, String... command)
      throws IOException, InterruptedException {
    CommandResult from = buildah(timeout, "from", "--pull=never", reference);
    if (!from.ok()) {
      return from;
    }
    List<String> ids = lines(from);
    String container = ids.get(ids.size() - 1);
    try {
      List<String> args = new ArrayList<>(List.of("run", "--isolation", "chroot", container, "--"));
      args.addAll(List.of(command));
      return buildah(timeout, args.toArray(String[]::new));
    } finally {
      CommandResult rm = buildah(CLEANUP_TIMEOUT, "rm", container);
      if (!rm.ok()) {
        log.warn("buildah rm {} failed: {}", container, rm.describe());
      }
    }
  }

  /** {@code buildah rm --all} (a test that failed half-way). */
  @Override
  void removeLeftovers() throws IOException, InterruptedException {
    CommandResult rm = buildah(CLEANUP_TIMEOUT, "rm", "--all");
    if (!rm.ok()) {
      log.warn("buildah rm --all failed: {}", rm.describe());
    }
  }

  @Override
  public String toString() {
    return "Buildah[" + storageDriver + "]";
  }
}
