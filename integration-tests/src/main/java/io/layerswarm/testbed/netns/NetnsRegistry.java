package io.layerswarm.testbed.netns;

import io.layerswarm.testbed.AccessLog;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.Digests;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * Debian's {@code docker-registry} (distribution 2.8) inside a host's network namespace, listening
 * on the host's bridge address, as the origin or (with a remote URL) as a pull-through cache. Its
 * access log is read by byte offset, so one long-running origin can be measured phase by phase.
 *
 * <p>distribution 2.8.2 as a pull-through cache fetches every missed blob twice from its remote
 * (one stream for the client, one for its storage): a pre-warm through a cache costs the origin
 * about 2 x the image.
 */
public final class NetnsRegistry implements AutoCloseable {

  public static final Path BINARY = Path.of("/usr/bin/docker-registry");
  public static final int PORT = 5000;
  private static final Pattern LISTENING = Pattern.compile("listening on ");

  private final NetnsTopology.Host host;
  private final DaemonProcess process;
  private final Path dataDir;

  private NetnsRegistry(NetnsTopology.Host host, DaemonProcess process, Path dataDir) {
    this.host = host;
    this.process = process;
    this.dataDir = dataDir;
  }

  /**
   * Starts a registry in {@code host}'s namespace on {@code <host ip>:5000}, config and log in
   * {@code dir}, blobs in {@code dataDir} (an existing store, e.g. one filled by a push, may be
   * reused). {@code remote} non-null makes it a pull-through cache of that registry.
   */
  public static NetnsRegistry start(
      NetnsTopology.Host host, Path dir, Path dataDir, URI remote, Duration timeout)
      throws IOException, InterruptedException {
    return start(host, dir, dataDir, remote, timeout, 0);
  }

  /** As above, run with {@code nice -n <nice>} (0: unchanged). */
  public static NetnsRegistry start(
      NetnsTopology.Host host, Path dir, Path dataDir, URI remote, Duration timeout, int nice)
      throws IOException, InterruptedException {
    if (!Files.isExecutable(BINARY)) {
      throw new IOException(BINARY + " is missing: apt-get install -y docker-registry");
    }
    Files.createDirectories(dir);
    Files.createDirectories(dataDir);
    Path config = dir.resolve("config.yml");
    Files.writeString(
        config,
        config(dataDir, host.hostPort(PORT), remote == null ? "lsb-origin" : "lsb-cache", remote));
    DaemonProcess p =
        DaemonProcess.builder(
                "docker-registry@" + host.name(),
                Commands.inNetns(
                    host.netns(), nice, List.of(BINARY.toString(), "serve", config.toString())))
            .workingDir(dir)
            .logFile(dir.resolve("registry.log"))
            .removeEnvPrefix("REGISTRY_")
            .readyWhenOutputMatches(LISTENING)
            .readyTimeout(timeout)
            .start();
    NetnsRegistry r = new NetnsRegistry(host, p, dataDir);
    try {
      // The log line comes just before the listener serves; make sure it answers from inside the
      // namespace.
      r.awaitAnswer(timeout);
      return r;
    } catch (IOException | InterruptedException | RuntimeException e) {
      r.close();
      throw e;
    }
  }

  private void awaitAnswer(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Commands.Result r =
          Commands.run(
              Duration.ofSeconds(5),
              Commands.inNetns(
                  host.netns(),
                  List.of(
                      "curl",
                      "-s",
                      "-o",
                      "/dev/null",
                      "-w",
                      "%{http_code}",
                      "http://" + host.hostPort(PORT) + "/v2/")));
      if (r.ok() && r.output().strip().equals("200")) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "registry on " + host + " does not answer /v2/: " + r.output().strip());
      }
      Thread.sleep(100);
    }
  }

  static String config(Path dataDir, String addr, String service, URI remote) {
    StringBuilder y =
        new StringBuilder()
            .append("version: 0.1\n")
            .append(
                "log:\n  level: info\n  accesslog:\n    disabled: false\n  fields:\n    service: ")
            .append(service)
            .append('\n')
            .append(
                "storage:\n  cache:\n    blobdescriptor: inmemory\n  filesystem:\n    rootdirectory: '")
            .append(dataDir.toAbsolutePath().toString().replace("'", "''"))
            .append("'\n")
            .append("  delete:\n    enabled: true\n")
            .append("  maintenance:\n    uploadpurging:\n      enabled: false\n")
            .append("http:\n  addr: ")
            .append(addr)
            .append('\n')
            .append("  secret: lsb-swarm-bench\n");
    if (remote != null) {
      y.append("proxy:\n  remoteurl: ").append(remote).append('\n');
    }
    return y.toString();
  }

  public NetnsTopology.Host host() {
    return host;
  }

  /** {@code 10.201.0.X:5000}. */
  public String hostPort() {
    return host.hostPort(PORT);
  }

  public URI baseUri() {
    return URI.create("http://" + hostPort());
  }

  public long pid() {
    return process.pid();
  }

  public Path logFile() {
    return process.logFile();
  }

  /** Current size of the log, a mark for {@link #accessLogSince}. */
  public long logMark() throws IOException {
    return Files.size(process.logFile());
  }

  /** Access-log entries written after {@code mark}. */
  public AccessLog accessLogSince(long mark) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(process.logFile().toFile(), "r")) {
      long len = raf.length() - mark;
      if (len <= 0) {
        return AccessLog.parse("");
      }
      byte[] buf = new byte[(int) Math.min(len, Integer.MAX_VALUE - 16)];
      raf.seek(mark);
      raf.readFully(buf);
      return AccessLog.parse(new String(buf, StandardCharsets.UTF_8));
    }
  }

  /** Whether the registry's storage has committed this blob (for a cache: whether it is warm). */
  public boolean hasBlob(String digest) {
    String hex = Digests.hex(digest);
    return Files.isRegularFile(
        dataDir.resolve(
            Path.of(
                "docker", "registry", "v2", "blobs", "sha256", hex.substring(0, 2), hex, "data")));
  }

  public OptionalDouble cpuSeconds() {
    return ProcCpu.seconds(process.pid());
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.close();
  }

  @Override
  public String toString() {
    return "NetnsRegistry[" + hostPort() + " in " + host.netns() + ", pid " + pid() + "]";
  }
}
