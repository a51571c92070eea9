package io.layerswarm.testbed.netns;

import io.layerswarm.testbed.ProcessReaper;
import io.layerswarm.testbed.Skopeo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Starts one {@code skopeo copy docker://... dir:...} per host, all held at a {@link Barrier}, then
 * releases them at one instant and measures each one's completion time from that instant. After
 * skopeo exits, its parent shell records its own {@code /proc/<pid>/stat}, whose cutime and cstime
 * hold skopeo's CPU time.
 */
public final class BarrierPull {

  /**
   * After the barrier: {@code $1} source reference, {@code $2} destination, {@code $3} stat file.
   */
  static final String SCRIPT =
      "/usr/bin/skopeo --insecure-policy copy --src-tls-verify=false \"$1\" \"$2\"; rc=$?; "
          + "read -r s < /proc/$$/stat; echo \"$s\" > \"$3\"; exit $rc";

  /**
   * Where skopeo writes. {@code oci:} layouts take layers concurrently, like dockerd, containerd
   * and podman; {@code dir:} makes skopeo (containers/image 5.23) fetch one layer after the other.
   */
  public enum Layout {
    OCI,
    DIR;

    String destination(Path dir) {
      return this == OCI ? "oci:" + dir + ":" + "pulled" : "dir:" + dir;
    }
  }

  /**
   * One host's pull: where from, how long, whether it got exactly the expected blobs, and skopeo's
   * CPU.
   */
  public record Result(
      String host, String source, double seconds, boolean ok, String error, double cpuSeconds) {}

  /** A host and the registry (host:port, as seen from inside the host) it pulls from. */
  public record Target(NetnsTopology.Host host, String registry) {}

  private BarrierPull() {}

  /**
   * Pulls {@code repository:tag} on every target at once into {@code dir/pull-<host>}, verifies
   * each pulled dir (every blob's sha256, the manifest digest and the exact blob set) and deletes
   * it unless {@code keep}. Each pull is killed after {@code timeout}. {@code whenAllExited} runs
   * as soon as the last pull has ended, before the (CPU-heavy) verification, so measurements of the
   * pull window can be taken there.
   */
  public static List<Result> run(
      List<Target> targets,
      String repository,
      String tag,
      String manifestDigest,
      Set<String> expectedBlobs,
      Path dir,
      Duration timeout,
      boolean keep,
      Layout layout,
      int nice,
      Runnable whenAllExited)
      throws IOException, InterruptedException {
    int n = targets.size();
    long[] ends = new long[n];
    Path[] pullDirs = new Path[n];
    Path[] statFiles = new Path[n];
    Path[] logs = new Path[n];
    String[] sources = new String[n];
    List<Barrier.Waiter> waiters = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Target t = targets.get(i);
      String name = t.host().name();
      pullDirs[i] = dir.resolve("pull-" + name);
      statFiles[i] = dir.resolve(name + ".stat");
      logs[i] = dir.resolve(name + ".log");
      sources[i] = Skopeo.dockerReference(t.registry(), repository, tag);
      Files.createDirectories(pullDirs[i]);
      Files.deleteIfExists(statFiles[i]);
      waiters.add(
          new Barrier.Waiter(
              t.host(),
              SCRIPT,
              List.of(sources[i], layout.destination(pullDirs[i]), statFiles[i].toString()),
              logs[i]));
    }
    Barrier.Released released = Barrier.run(dir, waiters, nice, "skopeo");
    Process[] procs = released.processes().toArray(new Process[0]);
    long t0 = released.startNanos();
    // Wait for every pull; one thread each so every end time is taken the moment its process exits.
    long deadline = t0 + timeout.toNanos();
    List<Thread> exits = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int idx = i;
      Thread w =
          new Thread(
              () -> {
                try {
                  long left = deadline - System.nanoTime();
                  if (left > 0 && procs[idx].waitFor(left, TimeUnit.NANOSECONDS)) {
                    ends[idx] = System.nanoTime();
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "pull-wait-" + i);
      w.setDaemon(true);
      w.start();
      exits.add(w);
    }
    for (Thread w : exits) {
      w.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 5_000));
    }
    whenAllExited.run();
    List<Result> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Process p = procs[i];
      String name = targets.get(i).host().name();
      String error = null;
      if (ends[i] == 0) {
        p.descendants().forEach(ProcessHandle::destroyForcibly); // skopeo under the wrapper shell
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        error = "timed out after " + timeout.toSeconds() + " s";
      } else if (p.exitValue() != 0) {
        error = "skopeo exited with " + p.exitValue() + ": " + tail(logs[i]);
      }
      ProcessReaper.unregister(p);
      double seconds = ends[i] == 0 ? Double.NaN : (ends[i] - t0) / 1e9;
      double cpu = Double.NaN;
      try {
        if (Files.exists(statFiles[i])) {
          cpu = ProcCpu.parseStat(Files.readString(statFiles[i]), true);
        }
      } catch (IOException | RuntimeException e) {
        // leave NaN
      }
      if (error == null) {
        error =
            layout == Layout.OCI
                ? verifyOci(pullDirs[i], manifestDigest, expectedBlobs)
                : verify(pullDirs[i], manifestDigest, expectedBlobs);
      }
      if (!keep) {
        deleteTree(pullDirs[i]);
      }
      results.add(new Result(name, sources[i], seconds, error == null, error, cpu));
    }
    return results;
  }

  /** null when the dir holds exactly the expected, intact image; otherwise what is wrong. */
  static String verify(Path pulled, String manifestDigest, Set<String> expectedBlobs) {
    try {
      Skopeo.DirImage image = Skopeo.readDir(pulled); // every blob file hashes to its name
      Set<String> got = new TreeSet<>(image.blobDigests());
      if (!got.equals(new TreeSet<>(expectedBlobs))) {
        return "blobs " + got + " != expected " + new TreeSet<>(expectedBlobs);
      }
      if (manifestDigest != null && !manifestDigest.equals(image.manifestDigest())) {
        return "manifest " + image.manifestDigest() + " != " + manifestDigest;
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return "verify: " + e.getMessage();
    }
  }

  /**
   * As {@link #verify} for an OCI image layout: index.json, then every file in blobs/sha256 by its
   * hash.
   */
  static String verifyOci(Path layout, String manifestDigest, Set<String> expectedBlobs) {
    try {
      var json = new com.fasterxml.jackson.databind.ObjectMapper();
      var index = json.readTree(layout.resolve("index.json").toFile());
      String manifest = index.path("manifests").path(0).path("digest").asText("");
      if (manifestDigest != null && !manifestDigest.equals(manifest)) {
        return "manifest " + manifest + " != " + manifestDigest;
      }
      Set<String> got = new TreeSet<>();
      Path blobs = layout.resolve("blobs/sha256");
      try (var files = Files.list(blobs)) {
        for (Path f : files.sorted().toList()) {
          String expected = "sha256:" + f.getFileName();
          String actual = io.layerswarm.testbed.Digests.sha256(f);
          if (!actual.equals(expected)) {
            return "blob file " + f + " hashes to " + actual;
          }
          got.add(expected);
        }
      }
      got.remove(manifest);
      if (!got.equals(new TreeSet<>(expectedBlobs))) {
        return "blobs " + got + " != expected " + new TreeSet<>(expectedBlobs);
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return "verify: " + e.getMessage();
    }
  }

  static String tail(Path log) {
    try {
      String s = Files.readString(log, StandardCharsets.UTF_8).strip();
      return s.length() > 600 ? "..." + s.substring(s.length() - 600) : s;
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // best effort: a leftover pull dir costs only disk
    }
  }
}
