package io.layerswarm.testbed.trackerload;

import io.layerswarm.core.auth.ClusterSecret;
import io.layerswarm.core.auth.HttpSignature;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One tracker the bench loads, started by the bench on 127.0.0.1 and stopped by it: ours with the
 * in-memory store or with a Redis it starts too (both from the built distribution, with a fresh
 * cluster secret, so every announce is signed), or Debian's opentracker (whitelist mode, the
 * workload's info hashes, unsigned). {@link #processes()} names the PIDs whose CPU and RSS the
 * report shows.
 */
final class TrackerUnderTest implements AutoCloseable {
  static final List<String> KINDS = List.of("memory", "redis", "opentracker");

  private final String kind;
  private final InetSocketAddress address;
  private final HttpSignature signature;
  private final Map<String, DaemonProcess> processes;

  private TrackerUnderTest(
      String kind,
      InetSocketAddress address,
      HttpSignature signature,
      Map<String, DaemonProcess> processes) {
    this.kind = kind;
    this.address = address;
    this.signature = signature;
    this.processes = processes;
  }

  /**
   * @param dist the built distribution (cli/target/layerswarm)
   * @param javaOpts the tracker JVM's JAVA_OPTS
   * @param interval the announce interval our tracker sends
   */
  static TrackerUnderTest start(
      String kind, Path dist, Path dir, String javaOpts, Duration interval, Workload workload)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    return switch (kind) {
      case "memory" -> ours(kind, dist, dir, javaOpts, interval, null, new LinkedHashMap<>());
      case "redis" -> {
        Map<String, DaemonProcess> started = new LinkedHashMap<>();
        DaemonProcess redis = redis(dir);
        started.put("redis-server", redis);
        try {
          String uri = "redis://127.0.0.1:" + redisPort(redis) + "/0";
          yield ours(kind, dist, dir, javaOpts, interval, uri, started);
        } catch (IOException | RuntimeException e) {
          redis.close();
          throw e;
        }
      }
      case "opentracker" -> opentracker(dir, workload);
      default -> throw new IllegalArgumentException("unknown target " + kind + "; one of " + KINDS);
    };
  }

  private static TrackerUnderTest ours(
      String kind,
      Path dist,
      Path dir,
      String javaOpts,
      Duration interval,
      String redisUri,
      Map<String, DaemonProcess> started)
      throws IOException, InterruptedException {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    Path secretFile = dir.resolve("cluster.secret");
    Files.deleteIfExists(secretFile);
    Files.createFile(
        secretFile,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(
        secretFile, Base64.getEncoder().encodeToString(secret), StandardCharsets.US_ASCII);
    int port = FreePorts.pick();
    List<String> command =
        new ArrayList<>(
            List.of(
                dist.resolve("bin/layerswarm").toString(),
                "tracker",
                "--listen",
                "127.0.0.1:" + port,
                "--set",
                "cluster.secret-file=" + secretFile,
                "--set",
                "tracker.announce-interval=" + interval.toSeconds() + "s"));
    if (redisUri != null) {
      command.addAll(List.of("--redis", redisUri));
    }
    DaemonProcess tracker =
        DaemonProcess.builder("tracker-" + kind, command)
            .workingDir(dir)
            .logFile(dir.resolve("tracker.log"))
            .env("JAVA_OPTS", javaOpts)
            .readyWhenHttpOk(URI.create("http://127.0.0.1:" + port + "/healthz"))
            .readyTimeout(Duration.ofSeconds(60))
            .start();
    started.put("tracker", tracker);
    HttpSignature signature =
        HttpSignature.of(
            ClusterSecret.of(
                Base64.getEncoder().encodeToString(secret).getBytes(StandardCharsets.US_ASCII)));
    return new TrackerUnderTest(kind, new InetSocketAddress("127.0.0.1", port), signature, started);
  }

  private static DaemonProcess redis(Path dir) throws IOException, InterruptedException {
    int port = FreePorts.pick();
    return DaemonProcess.builder(
            "redis-server",
            List.of(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString()))
        .workingDir(dir)
        .logFile(dir.resolve("redis.log"))
        .readyWhenOutputContains("Ready to accept connections")
        .readyTimeout(Duration.ofSeconds(20))
        .start();
  }

  private static int redisPort(DaemonProcess redis) {
    List<String> c = redis.command();
    return Integer.parseInt(c.get(c.indexOf("--port") + 1));
  }

  private static TrackerUnderTest opentracker(Path dir, Workload workload)
      throws IOException, InterruptedException {
    Path chroot = Files.createDirectories(dir.resolve("chroot"));
    Files.setPosixFilePermissions(chroot, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path list = chroot.resolve("whitelist.txt");
    Files.writeString(
        list, String.join("\n", workload.infoHashesHex()) + "\n", StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(list, PosixFilePermissions.fromString("rw-r--r--"));
    int port = FreePorts.pick();
    // Debian's build is whitelist-only; -w is resolved inside the chroot -d, so it is relative.
    DaemonProcess ot =
        DaemonProcess.builder(
                "opentracker",
                List.of(
                    "opentracker",
                    "-i",
                    "127.0.0.1",
                    "-p",
                    Integer.toString(port),
                    "-P",
                    Integer.toString(port),
                    "-d",
                    chroot.toString(),
                    "-w",
                    "whitelist.txt"))
            .workingDir(chroot)
            .logFile(dir.resolve("opentracker.log"))
            // Any HTTP answer means it is listening ("/" is not served).
            .readyWhenHttp(URI.create("http://127.0.0.1:" + port + "/"), status -> true)
            .readyTimeout(Duration.ofSeconds(10))
            .start();
    Map<String, DaemonProcess> started = new LinkedHashMap<>();
    started.put("opentracker", ot);
    return new TrackerUnderTest(
        "opentracker", new InetSocketAddress("127.0.0.1", port), null, started);
  }

  String kind() {
    return kind;
  }

  InetSocketAddress address() {
    return address;
  }

  /** Null for opentracker: it takes unsigned announces. */
  HttpSignature signature() {
    return signature;
  }

  /** Role (tracker, redis-server, opentracker) to PID, of the processes this target started. */
  Map<String, Long> processes() {
    Map<String, Long> out = new LinkedHashMap<>();
    processes.forEach((role, p) -> out.put(role, p.pid()));
    return out;
  }

  @Override
  public void close() {
    List<DaemonProcess> reverse = new ArrayList<>(processes.values());
    java.util.Collections.reverse(reverse);
    reverse.forEach(DaemonProcess::close);
  }
}
