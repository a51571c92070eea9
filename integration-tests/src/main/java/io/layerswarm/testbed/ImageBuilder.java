package io.layerswarm.testbed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a synthetic image: N layers of random, incompressible bytes (each a gzipped ustar tar
 * holding {@code data/layer<i>.bin}), an image config and a manifest. Large layers are streamed to
 * temp files and hashed while written, so images of hundreds of MiB don't need heap.
 *
 * <pre>{@code
 * try (Image image = ImageBuilder.image().layers(4).totalBytes(64 << 20).seed(42).build()) { ... }
 * }</pre>
 */
public final class ImageBuilder {

  private static final Logger log = LoggerFactory.getLogger(ImageBuilder.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CREATED =
      "2024-01-01T00:00:00Z"; // fixed so the config digest is reproducible
  private static final String PATH_ENV =
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  private static final int BUFFER = 64 * 1024;

  private int layers = 3;
  private long totalBytes = 8L << 20;
  private Long seed;
  private boolean randomSplit;
  private ManifestFormat format = ManifestFormat.OCI;
  private boolean busyboxBase;
  private Path busyboxBinary = Path.of("/bin/busybox");
  private Path workDir;
  private long inMemoryThreshold = 1L << 20;
  private int compressionLevel = Deflater.NO_COMPRESSION;
  private String architecture = "amd64";

  private ImageBuilder() {}

  public static ImageBuilder image() {
    return new ImageBuilder();
  }

  /**
   * The config's {@code architecture} (default amd64). Only the content's label: the busybox base
   * layer is always the host's binary, so build other architectures without it.
   */
  public ImageBuilder architecture(String architecture) {
    this.architecture = java.util.Objects.requireNonNull(architecture, "architecture");
    return this;
  }

  /** Number of random-data layers (the optional busybox base layer comes on top of these). */
  public ImageBuilder layers(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("layer count must be >= 0: " + count);
    }
    this.layers = count;
    return this;
  }

  /**
   * Random payload bytes across all random layers; compressed layers come out slightly larger (tar
   * + gzip framing).
   */
  public ImageBuilder totalBytes(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("total bytes must be >= 0: " + bytes);
    }
    this.totalBytes = bytes;
    return this;
  }

  /**
   * Same seed and options give byte-identical blobs; without it a random seed is used (see {@link
   * Image#seed()}).
   */
  public ImageBuilder seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** Split {@link #totalBytes} at random points instead of evenly. */
  public ImageBuilder randomSplit(boolean randomSplit) {
    this.randomSplit = randomSplit;
    return this;
  }

  public ImageBuilder format(ManifestFormat format) {
    this.format = Objects.requireNonNull(format, "format");
    return this;
  }

  /**
   * Adds a first layer with a static busybox and its applet symlinks so the image runs {@code
   * /bin/sh} (needs Debian's busybox-static).
   */
  public ImageBuilder busyboxBase(boolean busyboxBase) {
    this.busyboxBase = busyboxBase;
    return this;
  }

  public ImageBuilder busyboxBinary(Path binary) {
    this.busyboxBinary = Objects.requireNonNull(binary, "binary");
    return this;
  }

  /** Parent of the temp directory for file-backed layers; defaults to java.io.tmpdir. */
  public ImageBuilder workDir(Path dir) {
    this.workDir = dir;
    return this;
  }

  /** Layers whose payload is below this many bytes stay in memory. */
  public ImageBuilder inMemoryThreshold(long bytes) {
    this.inMemoryThreshold = bytes;
    return this;
  }

  /**
   * Deflate level for the random layers; stored blocks (the default) are fastest and random data
   * won't shrink anyway.
   */
  public ImageBuilder compressionLevel(int level) {
    if (level < Deflater.NO_COMPRESSION || level > Deflater.BEST_COMPRESSION) {
      throw new IllegalArgumentException("deflate level must be 0..9: " + level);
    }
    this.compressionLevel = level;
    return this;
  }

  public Image build() throws IOException {
    long effectiveSeed = seed != null ? seed : new SecureRandom().nextLong();
    SplittableRandom random = new SplittableRandom(effectiveSeed);
    long[] sizes = splitSizes(random.split());
    Path blobDir = null;
    List<Layer> built = new ArrayList<>();
    try {
      if (busyboxBase || Arrays.stream(sizes).anyMatch(s -> s >= inMemoryThreshold)) {
        Path parent =
            workDir != null
                ? Files.createDirectories(workDir)
                : Path.of(System.getProperty("java.io.tmpdir"));
        blobDir = Files.createTempDirectory(parent, "layerswarm-image-");
      }
      if (busyboxBase) {
        built.add(busyboxLayer(blobDir));
      }
      for (int i = 0; i < sizes.length; i++) {
        built.add(randomLayer(i, sizes[i], random.split(), blobDir));
      }
      Blob config = Blob.ofBytes(format.configMediaType(), configJson(built, effectiveSeed));
      Blob manifest = Blob.ofBytes(format.manifestMediaType(), manifestJson(config, built));
      Image image = new Image(format, manifest, config, built, effectiveSeed, blobDir);
      log.debug(
          "built image {} ({} layers, {} layer bytes, seed {})",
          manifest.digest(),
          built.size(),
          image.totalLayerBytes(),
          effectiveSeed);
      return image;
    } catch (IOException | RuntimeException e) {
      try {
        FileTrees.deleteRecursively(blobDir);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  long[] splitSizes(SplittableRandom random) {
    long[] sizes = new long[layers];
    if (layers == 0) {
      if (totalBytes > 0) {
        throw new IllegalArgumentException(
            "cannot spread " + totalBytes + " bytes over zero layers");
      }
      return sizes;
    }
    if (!randomSplit) {
      for (int i = 0; i < layers; i++) {
        sizes[i] = totalBytes / layers + (i < totalBytes % layers ? 1 : 0);
      }
      return sizes;
    }
    long[] cuts = new long[layers + 1];
    for (int i = 1; i < layers; i++) {
      cuts[i] = random.nextLong(totalBytes + 1);
    }
    cuts[layers] = totalBytes;
    Arrays.sort(cuts, 1, layers);
    for (int i = 0; i < layers; i++) {
      sizes[i] = cuts[i + 1] - cuts[i];
    }
    return sizes;
  }

  private Layer randomLayer(int index, long size, SplittableRandom random, Path blobDir)
      throws IOException {
    return writeLayer(
        blobDir,
        "layer" + index,
        size,
        compressionLevel,
        tar -> {
          tar.directory("data", 0755);
          tar.file(
              "data/layer" + index + ".bin",
              0644,
              size,
              out -> {
                byte[] buf = new byte[BUFFER];
                for (long left = size; left > 0; ) {
                  int n = (int) Math.min(buf.length, left);
                  random.nextBytes(buf);
                  out.write(buf, 0, n);
                  left -= n;
                }
              });
        });
  }

  private Layer busyboxLayer(Path blobDir) throws IOException {
    if (!Files.isRegularFile(busyboxBinary) || !Files.isExecutable(busyboxBinary)) {
      throw new IOException(
          "busybox base layer requested but "
              + busyboxBinary
              + " is missing or not executable; install the Debian package busybox-static"
              + " (apt-get install -y busybox-static) or build the image without busyboxBase");
    }
    List<String> applets = busyboxApplets();
    byte[] passwd =
        ("root:x:0:0:root:/root:/bin/sh\n"
                + "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n")
            .getBytes(StandardCharsets.UTF_8);
    byte[] group = "root:x:0:\nnobody:x:65534:\n".getBytes(StandardCharsets.UTF_8);
    long binarySize = Files.size(busyboxBinary);
    TreeSet<String> dirs =
        new TreeSet<>(
            List.of(
                "bin",
                "dev",
                "etc",
                "home",
                "proc",
                "root",
                "sbin",
                "sys",
                "tmp",
                "usr",
                "usr/bin",
                "usr/sbin",
                "var",
                "var/tmp"));
    for (String applet : applets) {
      for (int slash = applet.indexOf('/'); slash > 0; slash = applet.indexOf('/', slash + 1)) {
        dirs.add(applet.substring(0, slash));
      }
    }
    return writeLayer(
        blobDir,
        "busybox",
        binarySize,
        Deflater.BEST_SPEED,
        tar -> {
          for (String dir : dirs) { // TreeSet order puts parents before children
            int mode =
                dir.equals("tmp") || dir.equals("var/tmp")
                    ? 01777
                    : dir.equals("root") ? 0700 : 0755;
            tar.directory(dir, mode);
          }
          try (InputStream in = Files.newInputStream(busyboxBinary)) {
            tar.file("bin/busybox", 0755, binarySize, in);
          }
          for (String applet : applets) {
            tar.symlink(applet, "/bin/busybox");
          }
          tar.file("etc/passwd", 0644, passwd);
          tar.file("etc/group", 0644, group);
        });
  }

  private List<String> busyboxApplets() throws IOException {
    Path out = Files.createTempFile("busybox-applets-", ".txt");
    try {
      Process p =
          new ProcessBuilder(busyboxBinary.toString(), "--list-full")
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(busyboxBinary + " --list-full did not finish within 10 s");
      }
      if (p.exitValue() != 0) {
        throw new IOException(
            busyboxBinary
                + " --list-full exited with "
                + p.exitValue()
                + ": "
                + Files.readString(out));
      }
      return Files.readAllLines(out).stream()
          .map(String::strip)
          .map(s -> s.startsWith("/") ? s.substring(1) : s)
          .filter(s -> !s.isEmpty() && !s.equals("bin/busybox"))
          .distinct()
          .sorted()
          .toList();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while listing busybox applets", e);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  @FunctionalInterface
  private interface TarContent {
    void write(TarWriter tar) throws IOException;
  }

  /** tar → sha256 (diff_id) → gzip → sha256 (layer digest) → memory or file, all in one pass. */
  private Layer writeLayer(
      Path blobDir, String name, long payloadBytes, int level, TarContent content)
      throws IOException {
    boolean inFile = payloadBytes >= inMemoryThreshold;
    Path file = inFile ? blobDir.resolve(name + ".tar.gz") : null;
    ByteArrayOutputStream memory = inFile ? null : new ByteArrayOutputStream();
    MessageDigest compressedDigest = Digests.newSha256();
    MessageDigest tarDigest = Digests.newSha256();
    CountingOutputStream compressedCount;
    CountingOutputStream tarCount;
    OutputStream sink =
        inFile ? new BufferedOutputStream(Files.newOutputStream(file), BUFFER) : memory;
    try (sink) {
      compressedCount = new CountingOutputStream(new DigestOutputStream(sink, compressedDigest));
      GZIPOutputStream gzip =
          new GZIPOutputStream(compressedCount, BUFFER) {
            {
              def.setLevel(level);
            }
          };
      tarCount = new CountingOutputStream(new DigestOutputStream(gzip, tarDigest));
      TarWriter tar = new TarWriter(tarCount);
      content.write(tar);
      tar.finish();
      tarCount.flush();
      gzip.finish();
      compressedCount.flush();
    }
    String digest = Digests.format(compressedDigest.digest());
    String diffId = Digests.format(tarDigest.digest());
    Blob blob =
        inFile
            ? Blob.ofFile(format.layerMediaType(), file, digest, compressedCount.count())
            : Blob.ofBytes(format.layerMediaType(), memory.toByteArray());
    return new Layer(blob, diffId, tarCount.count(), payloadBytes);
  }

  private byte[] configJson(List<Layer> layers, long effectiveSeed) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("created", CREATED);
    root.put("architecture", architecture);
    root.put("os", "linux");
    ObjectNode config = root.putObject("config");
    config.putArray("Env").add(PATH_ENV);
    if (busyboxBase) {
      config.putArray("Cmd").add("/bin/sh");
    }
    config.put("WorkingDir", "/");
    config.putObject("Labels").put("io.layerswarm.testbed.seed", Long.toString(effectiveSeed));
    ObjectNode rootfs = root.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    layers.forEach(l -> diffIds.add(l.diffId()));
    ArrayNode history = root.putArray("history");
    for (int i = 0; i < layers.size(); i++) {
      boolean base = busyboxBase && i == 0;
      history
          .addObject()
          .put("created", CREATED)
          .put(
              "created_by",
              base
                  ? "layerswarm testbed: busybox base"
                  : "layerswarm testbed: random layer " + (busyboxBase ? i - 1 : i));
    }
    return JSON.writeValueAsBytes(root);
  }

  private byte[] manifestJson(Blob config, List<Layer> layers) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("schemaVersion", 2);
    root.put("mediaType", format.manifestMediaType());
    root.set("config", descriptor(config));
    ArrayNode arr = root.putArray("layers");
    layers.forEach(l -> arr.add(descriptor(l.blob())));
    return JSON.writeValueAsBytes(root);
  }

  private static ObjectNode descriptor(Blob blob) {
    ObjectNode d = JSON.createObjectNode();
    d.put("mediaType", blob.mediaType());
    d.put("digest", blob.digest());
    d.put("size", blob.size());
    return d;
  }
}
