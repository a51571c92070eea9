package io.layerswarm.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs Debian's {@code skopeo} as an independent pull client (plain HTTP, no signature policy) and
 * checks what it wrote, so tests can prove a registry or LayerSwarm serves correct blobs to a
 * third-party client.
 */
public final class Skopeo {

  public static final Path DEFAULT_BINARY = Path.of("/usr/bin/skopeo");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  private final Path binary;

  public Skopeo() {
    this(DEFAULT_BINARY);
  }

  public Skopeo(Path binary) {
    this.binary = Objects.requireNonNull(binary, "binary");
  }

  /** Outcome of one skopeo run; {@code output} is stdout and stderr interleaved. */
  public record Result(List<String> command, int exitCode, String output, boolean timedOut) {

    public boolean ok() {
      return exitCode == 0 && !timedOut;
    }

    /** Throws with the command and output unless skopeo succeeded. */
    public Result requireSuccess() throws IOException {
      if (!ok()) {
        throw new IOException(
            String.join(" ", command)
                + (timedOut ? " timed out" : " exited with " + exitCode)
                + ":\n"
                + output.strip());
      }
      return this;
    }
  }

  /**
   * An image skopeo stored with the {@code dir:} transport, with every blob's name checked against
   * its sha256.
   */
  public record DirImage(
      Path dir,
      byte[] manifest,
      String manifestDigest,
      String configDigest,
      List<String> layerDigests,
      List<String> blobDigests) {
    public DirImage {
      manifest = manifest.clone();
      layerDigests = List.copyOf(layerDigests);
      blobDigests = List.copyOf(blobDigests);
    }

    @Override
    public byte[] manifest() {
      return manifest.clone();
    }
  }

  /**
   * {@code docker://host:port/repo:tag}, or {@code …/repo@sha256:…} when {@code reference} is a
   * digest.
   */
  public static String dockerReference(String hostPort, String repository, String reference) {
    return "docker://"
        + hostPort
        + "/"
        + repository
        + (reference.contains(":") ? "@" : ":")
        + reference;
  }

  /**
   * Pulls {@code hostPort/repository:reference} over plain HTTP into {@code dir} (skopeo's dir:
   * layout).
   */
  public Result copyToDir(
      String hostPort, String repository, String reference, Path dir, Duration timeout)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    return copy(
        dockerReference(hostPort, repository, reference), "dir:" + dir.toAbsolutePath(), timeout);
  }

  /** Pulls into an OCI image layout at {@code layoutDir}, tagged {@code layoutTag} there. */
  public Result copyToOci(
      String hostPort,
      String repository,
      String reference,
      Path layoutDir,
      String layoutTag,
      Duration timeout)
      throws IOException, InterruptedException {
    Files.createDirectories(layoutDir);
    return copy(
        dockerReference(hostPort, repository, reference),
        "oci:" + layoutDir.toAbsolutePath() + ":" + layoutTag,
        timeout);
  }

  /**
   * {@code skopeo --insecure-policy copy --src-tls-verify=false --dest-tls-verify=false <extra> src
   * dest}, killed after {@code timeout}.
   */
  public Result copy(String source, String destination, Duration timeout, String... extraArgs)
      throws IOException, InterruptedException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--insecure-policy", "copy", "--src-tls-verify=false", "--dest-tls-verify=false"));
    args.addAll(List.of(extraArgs));
    args.add(source);
    args.add(destination);
    return run(args, timeout);
  }

  /**
   * Runs skopeo with {@code args} (e.g. {@code inspect --tls-verify=false docker://…}), killed
   * after {@code timeout}.
   */
  public Result run(List<String> args, Duration timeout) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(args.size() + 1);
    cmd.add(binary.toString());
    cmd.addAll(args);
    if (!Files.isExecutable(binary)) {
      throw new IOException(
          "skopeo not found at "
              + binary
              + "; install the Debian package skopeo"
              + " (apt-get install -y skopeo)");
    }
    Path out = Files.createTempFile("skopeo-", ".log");
    try {
      // Output goes to a file, not a pipe, so a chatty skopeo can never block on a full pipe.
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      ProcessReaper.register("skopeo", p);
      try {
        boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
          p.destroyForcibly();
          p.waitFor(5, TimeUnit.SECONDS);
        }
        return new Result(cmd, p.isAlive() ? -1 : p.exitValue(), Files.readString(out), !finished);
      } finally {
        if (p.isAlive()) {
          p.destroyForcibly();
        }
        ProcessReaper.unregister(p);
      }
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /**
   * Reads a {@code dir:} layout ({@code manifest.json}, {@code version}, one file per blob named by
   * its sha256 hex) and verifies that every blob file hashes to its name and that every blob the
   * manifest references is present. Throws IOException naming the first problem.
   */
  public static DirImage readDir(Path dir) throws IOException {
    Path manifestFile = dir.resolve("manifest.json");
    if (!Files.isRegularFile(manifestFile)) {
      throw new IOException("no manifest.json in " + dir + "; is this a skopeo dir: layout?");
    }
    byte[] manifest = Files.readAllBytes(manifestFile);
    JsonNode root = JSON.readTree(manifest);
    List<String> blobs = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        String name = f.getFileName().toString();
        if (!HEX64.matcher(name).matches()) {
          continue; // manifest.json, version
        }
        String expected = "sha256:" + name;
        String actual = Digests.sha256(f);
        if (!actual.equals(expected)) {
          throw new IOException("blob file " + f + " hashes to " + actual + ", not " + expected);
        }
        blobs.add(expected);
      }
    }
    JsonNode config = root.path("config");
    String configDigest = config.path("digest").asText(null);
    List<String> layers = new ArrayList<>();
    root.path("layers").forEach(l -> layers.add(l.path("digest").asText()));
    List<JsonNode> descriptors = new ArrayList<>();
    if (!config.isMissingNode()) {
      descriptors.add(config);
    }
    root.path("layers").forEach(descriptors::add);
    for (JsonNode d : descriptors) {
      String digest = d.path("digest").asText();
      Path f = dir.resolve(Digests.hex(digest));
      if (!Files.isRegularFile(f)) {
        throw new IOException(
            "manifest in " + dir + " references " + digest + " but " + f + " is missing");
      }
      if (d.has("size") && Files.size(f) != d.path("size").asLong()) {
        throw new IOException(
            f + " has " + Files.size(f) + " bytes, the manifest says " + d.path("size"));
      }
    }
    return new DirImage(dir, manifest, Digests.sha256(manifest), configDigest, layers, blobs);
  }
}
