package io.layerswarm.it.cluster;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.layerswarm.proto.admin.SeederAdminGrpc;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.ImageBuilder;
import io.layerswarm.testbed.Skopeo;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the cluster ITs share: daemons of the built distribution started and stopped in reverse
 * order, config files, the seeders' control endpoint ({@code /metrics}, {@code /metainfo}) and
 * admin API, bounded polling. The fault ITs use it too.
 */
public final class ClusterBed implements AutoCloseable {
  public static final Pattern READY = Pattern.compile("layerswarm \\S+ ready: ");
  private static final Pattern ADMIN = Pattern.compile("layerswarm seeder ready: .* admin (\\S+)");
  private static final Pattern PEERS = Pattern.compile(" ready: .* peers 127\\.0\\.0\\.1:(\\d+)");
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final Path work;

  /** Daemons may start on several threads at once. */
  private final List<AutoCloseable> started = new CopyOnWriteArrayList<>();

  public ClusterBed(Path work) {
    this.work = work;
  }

  public Path work() {
    return work;
  }

  public <T extends AutoCloseable> T track(T t) {
    started.add(t);
    return t;
  }

  /**
   * A generated image of {@code layers} layers and about {@code totalBytes}, in {@code
   * <work>/<dir>}.
   */
  public Image image(String dir, int layers, long totalBytes) throws IOException {
    return track(
        ImageBuilder.image()
            .layers(layers)
            .totalBytes(totalBytes)
            .workDir(Files.createDirectories(work.resolve(dir)))
            .build());
  }

  /** The digests of an image's config and layers: what a pull must bring, each verified. */
  public static Set<String> blobDigests(Image image) {
    Set<String> digests = new TreeSet<>();
    image.blobs().forEach(b -> digests.add(b.digest()));
    return digests;
  }

  public static Path dist() {
    return Path.of(System.getProperty("layerswarm.dist", "../cli/target/layerswarm"))
        .toAbsolutePath();
  }

  /**
   * {@code bin/layerswarm <args>}, logging to {@code <work>/<name>.log}, ready on its ready line.
   */
  public DaemonProcess daemon(String name, String... args)
      throws IOException, InterruptedException {
    return track(launcher(name, args).start());
  }

  /**
   * The builder {@link #daemon} starts, for a caller that changes it (other {@code JAVA_OPTS}, its
   * own supervision) and tracks what it starts itself.
   */
  public DaemonProcess.Builder launcher(String name, String... args) {
    List<String> command = new ArrayList<>();
    command.add(dist().resolve("bin/layerswarm").toString());
    command.addAll(List.of(args));
    return DaemonProcess.builder(name, command)
        .logFile(work.resolve(name + ".log"))
        .env("JAVA_OPTS", "-Xmx256m")
        .readyWhenOutputMatches(READY)
        .readyTimeout(Duration.ofSeconds(90));
  }

  /** Starts a daemon. */
  public interface Start {
    DaemonProcess start() throws Exception;
  }

  /** Runs {@code start} on another thread, so that daemons start side by side. */
  public static CompletableFuture<DaemonProcess> inBackground(Start start) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return start.start();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /**
   * {@code seeder} arguments for one on loopback: control port {@code port}, a free peer port,
   * {@code data}, announcing to {@code trackers}, fetching from {@code upstream}.
   */
  public static String[] seederArgs(int port, Path data, String upstream, String... trackers) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "seeder",
                "--listen",
                "127.0.0.1:" + port,
                "--peer-listen",
                "127.0.0.1:0",
                "--data",
                data.toString(),
                "--upstream",
                upstream));
    for (String tracker : trackers) {
      args.add("--tracker");
      args.add(tracker);
    }
    return args.toArray(String[]::new);
  }

  /**
   * {@code agent} arguments for one on {@code 127.0.0.1:<port>} with a free peer port, {@code
   * data}, {@code trackers} and {@code upstream}, without an admin socket unless {@code more} names
   * one; {@code more} after.
   */
  public static String[] agentArgs(
      int port, Path data, String upstream, List<String> trackers, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "agent",
                "--listen",
                "127.0.0.1:" + port,
                "--peer-listen",
                "127.0.0.1:0",
                "--data",
                data.toString(),
                "--upstream",
                upstream));
    if (!List.of(more).contains("--admin-socket")) {
      args.addAll(List.of("--admin-socket", ""));
    }
    for (String tracker : trackers) {
      args.add("--tracker");
      args.add(tracker);
    }
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  /** Debian's redis-server on {@code 127.0.0.1:<port>}, nothing saved to disk. */
  public DaemonProcess redis(int port) throws IOException, InterruptedException {
    return redis("redis", port);
  }

  /**
   * Debian's redis-server {@code name} on {@code 127.0.0.1:<port>}, nothing saved to disk, with
   * {@code more} arguments (e.g. {@code --replicaof}, {@code --requirepass}).
   */
  public DaemonProcess redis(String name, int port, String... more)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "/usr/bin/redis-server",
                "--port",
                String.valueOf(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                Files.createDirectories(work.resolve(name)).toString()));
    command.addAll(List.of(more));
    return track(
        DaemonProcess.builder(name, command)
            .logFile(work.resolve(name + ".log"))
            .readyWhenOutputContains("Ready to accept connections")
            .readyTimeout(Duration.ofSeconds(20))
            .start());
  }

  public Path config(String name, String yaml) throws IOException {
    Path file = work.resolve(name);
    Files.writeString(file, yaml);
    return file;
  }

  /** The admin API address a seeder printed on its ready line ({@code seeder.admin-listen}). */
  public static String adminAddress(DaemonProcess seeder) throws IOException {
    Matcher m = ADMIN.matcher(seeder.output());
    if (!m.find()) {
      throw new IOException(
          seeder.name() + " printed no admin address; output:\n" + seeder.outputTail(20));
    }
    return m.group(1);
  }

  /** The BitTorrent address a seeder or an agent on loopback printed on its ready line. */
  public static InetSocketAddress peerAddress(DaemonProcess daemon) throws IOException {
    Matcher m = PEERS.matcher(daemon.output());
    if (!m.find()) {
      throw new IOException(daemon.name() + " printed no peer address:\n" + daemon.outputTail(20));
    }
    return new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1)));
  }

  /** A blocking SeederAdmin stub on a channel closed with this bed. */
  public SeederAdminGrpc.SeederAdminBlockingStub seederAdmin(String hostPort) {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(hostPort).usePlaintext().build();
    track(
        () -> {
          channel.shutdownNow();
          channel.awaitTermination(5, TimeUnit.SECONDS);
        });
    return SeederAdminGrpc.newBlockingStub(channel);
  }

  public static String get(URI uri) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + uri + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  /**
   * The sum of a Prometheus metric's samples whose label set contains {@code labels} (e.g. {@code
   * reason="idle"}, or "" for all); 0 when there is none.
   */
  public static double metric(String text, String name, String labels) {
    double sum = 0;
    Pattern line =
        Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE);
    Matcher m = line.matcher(text);
    while (m.find()) {
      String set = m.group(1) == null ? "" : m.group(1);
      if (set.contains(labels)) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }

  /** The digests ({@code sha256:<hex>}) a seeder's data directory holds as complete blobs. */
  public static Set<String> heldBlobs(Path seederData) throws IOException {
    Path dir = seederData.resolve("blobs").resolve("sha256");
    Set<String> held = new TreeSet<>();
    if (!Files.isDirectory(dir)) {
      return held;
    }
    try (Stream<Path> files = Files.list(dir)) {
      files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.matches("[0-9a-f]{64}"))
          .forEach(n -> held.add("sha256:" + n));
    }
    return held;
  }

  public static Skopeo.Result pull(String agent, String repository, String tag, Path dir) {
    try {
      return new Skopeo().copyToDir(agent, repository, tag, dir, Duration.ofMinutes(5));
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        System.out.println("stopping " + started.get(i) + ": " + e);
      }
    }
  }
}
