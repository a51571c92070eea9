package io.layerswarm.it.bench;

import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PieceLength;
import io.layerswarm.it.interop.Blobs;
import io.layerswarm.it.interop.BtCorePeer;
import io.layerswarm.swarm.EngineConfig;
import io.layerswarm.swarm.SwarmEngine;
import io.layerswarm.swarm.Torrent;
import io.layerswarm.testbed.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The JVM side of {@code bench/engine-bench}: prepares the blobs and torrents, and runs one seeder
 * or one leecher of our engine or of bt-core 1.10 as its own process, so that the driver can
 * measure its CPU time and RSS with {@code /usr/bin/time}. Not a test.
 *
 * <pre>
 * prepare --dir D --count N --size BYTES --announce URL [--seed S]
 *     D/data/&lt;sha256 hex&gt; (random), D/torrents/&lt;hex&gt;.torrent, D/whitelist.txt (info hashes),
 *     D/manifest.tsv (hex, size, info hash)
 * seed  --engine layerswarm|bt --dir D [--port P] [--timeout SEC]
 *     seeds every D/torrents/*.torrent from D/data until SIGTERM or the timeout
 * leech --engine layerswarm|bt --dir D --out O [--port P] [--timeout SEC] [--rounds N]
 *     downloads every torrent at once into O and exits 0 when all are complete; with our engine
 *     and N &gt; 1, then removes the torrents and downloads them again, N - 1 more times, in the
 *     same process (into O/round-K, deleted afterwards): a warm engine, as in a long-running agent
 * </pre>
 *
 * Output is the same line protocol as {@code interop/lt_peer.py}: {@code READY}, {@code SEEDING},
 * {@code COMPLETE elapsed_ms= at_ms= bytes=}. Our engine adds {@code TTFB ms=} (first byte of
 * {@code openStream(0)} of the first torrent, from its {@code download} call), {@code TTFB_ALL n=
 * median_ms= max_ms=} (the same for every torrent, each from its own {@code download} call), {@code
 * cpu_ms=} and {@code hwm_kb=} on the COMPLETE line (the process's user + system CPU and peak RSS
 * so far, from /proc), and for each further round {@code WARM round= elapsed_ms= cpu_ms= hwm_kb=
 * ttfb_ms= ttfb_median_ms= ttfb_max_ms=}, its CPU being that round's alone. Exit codes: 0 done, 1
 * bad arguments, 2 timeout, 3 failure.
 */
public final class BenchPeer {

  private static final PrintStream OUT = System.out;

  private BenchPeer() {}

  public static void main(String[] argv) throws Exception {
    if (argv.length == 0) {
      usage("no command");
    }
    Map<String, String> args = options(argv);
    int rc;
    try {
      rc =
          switch (argv[0]) {
            case "prepare" -> prepare(args);
            case "seed" -> seed(args);
            case "leech" -> leech(args);
            default -> {
              usage("unknown command " + argv[0]);
              yield 1;
            }
          };
    } catch (TimeoutException e) {
      OUT.println("TIMEOUT " + e);
      rc = 2;
    } catch (Exception e) {
      OUT.println("FATAL " + e);
      e.printStackTrace(OUT);
      rc = 3;
    }
    OUT.flush();
    stopFlightRecordings();
    // Do not wait for non-daemon threads of the engines: the result is already printed and on disk.
    Runtime.getRuntime().halt(rc);
  }

  /**
   * halt() skips the shutdown hook that writes a recording started with {@code
   * -XX:StartFlightRecording=...,filename=F}: stop them here, which writes F.
   */
  private static void stopFlightRecordings() {
    if (!jdk.jfr.FlightRecorder.isInitialized()) {
      return;
    }
    for (jdk.jfr.Recording r : jdk.jfr.FlightRecorder.getFlightRecorder().getRecordings()) {
      try {
        r.stop();
      } catch (RuntimeException e) {
        System.err.println("cannot stop recording " + r.getName() + ": " + e);
      }
    }
  }

  private static int prepare(Map<String, String> args) throws IOException {
    Path dir = Path.of(required(args, "dir"));
    int count = Integer.parseInt(required(args, "count"));
    long size = Long.parseLong(required(args, "size"));
    URI announce = URI.create(required(args, "announce"));
    long seed = Long.parseLong(args.getOrDefault("seed", "1"));
    Path data = Files.createDirectories(dir.resolve("data"));
    Path torrents = Files.createDirectories(dir.resolve("torrents"));
    StringBuilder whitelist = new StringBuilder();
    StringBuilder manifest = new StringBuilder();
    for (int i = 0; i < count; i++) {
      Path blob = Blobs.random(data, size, seed * 1_000 + i);
      String name = blob.getFileName().toString();
      Metainfo m = Metainfo.create(blob, name, List.of(announce), PieceLength.forSize(size));
      Files.write(torrents.resolve(name + ".torrent"), m.encode());
      whitelist.append(m.infoHash().hex()).append('\n');
      manifest
          .append(name)
          .append('\t')
          .append(size)
          .append('\t')
          .append(m.infoHash().hex())
          .append('\t')
          .append(m.pieceLength())
          .append('\n');
    }
    Files.writeString(dir.resolve("whitelist.txt"), whitelist, StandardCharsets.US_ASCII);
    Files.writeString(dir.resolve("manifest.tsv"), manifest, StandardCharsets.US_ASCII);
    OUT.println("PREPARED count=" + count + " size=" + size);
    return 0;
  }

  private static int seed(Map<String, String> args) throws Exception {
    Path dir = Path.of(required(args, "dir"));
    long timeoutMillis = (long) (Double.parseDouble(args.getOrDefault("timeout", "600")) * 1000);
    List<Path> torrentFiles = torrentFiles(dir);
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "bench-peer-stop"));
    switch (engine(args)) {
      case "layerswarm" -> {
        SwarmEngine engine = SwarmEngine.start(config(args));
        OUT.println(
            "READY port=" + engine.listenAddress().getPort() + " torrents=" + torrentFiles.size());
        for (Path t : torrentFiles) {
          Metainfo m = Metainfo.parse(Files.readAllBytes(t));
          engine.seed(m, dir.resolve("data").resolve(m.name()));
        }
        OUT.println("SEEDING");
      }
      case "bt" -> {
        List<BtCorePeer> peers = new ArrayList<>();
        int[] ports = FreePorts.pick(torrentFiles.size());
        for (int i = 0; i < torrentFiles.size(); i++) {
          peers.add(BtCorePeer.start(torrentFiles.get(i), dir.resolve("data"), ports[i], true));
        }
        OUT.println("READY port=" + ports[0] + " torrents=" + torrentFiles.size());
        long deadline = System.currentTimeMillis() + timeoutMillis;
        for (BtCorePeer p : peers) {
          p.awaitComplete(Duration.ofMillis(Math.max(1, deadline - System.currentTimeMillis())));
        }
        OUT.println("SEEDING");
      }
      default -> throw new IllegalArgumentException("engine " + engine(args));
    }
    OUT.flush();
    // Seeds until the driver stops us (SIGTERM runs the hook) or the time is up.
    return stop.await(timeoutMillis, TimeUnit.MILLISECONDS) ? 0 : 2;
  }

  private static int leech(Map<String, String> args) throws Exception {
    Path dir = Path.of(required(args, "dir"));
    Path out = Files.createDirectories(Path.of(required(args, "out")));
    long timeoutMillis = (long) (Double.parseDouble(args.getOrDefault("timeout", "600")) * 1000);
    List<Path> torrentFiles = torrentFiles(dir);
    long total = 0;
    switch (engine(args)) {
      case "layerswarm" -> {
        int rounds = Integer.parseInt(args.getOrDefault("rounds", "1"));
        SwarmEngine engine = SwarmEngine.start(config(args));
        OUT.println(
            "READY port=" + engine.listenAddress().getPort() + " torrents=" + torrentFiles.size());
        List<Metainfo> metainfos = new ArrayList<>();
        for (Path t : torrentFiles) {
          Metainfo m = Metainfo.parse(Files.readAllBytes(t));
          metainfos.add(m);
          total += m.length();
        }
        for (int round = 1; round <= rounds; round++) {
          Path dest = round == 1 ? out : out.resolve("round-" + round);
          long cpuBefore = round == 1 ? 0 : processCpuMillis();
          Map<String, Long> threadsBefore = round == 1 ? Map.of() : threadCpuMillis();
          long started = System.nanoTime();
          List<CompletableFuture<Path>> done = new ArrayList<>();
          List<CompletableFuture<Double>> ttfb = new ArrayList<>();
          for (Metainfo m : metainfos) {
            long added = System.nanoTime();
            Torrent torrent =
                engine.download(
                    m, dest.resolve("partial").resolve(m.name() + ".part"), dest.resolve(m.name()));
            ttfb.add(timeToFirstByte(torrent, added));
            done.add(torrent.completion());
          }
          CompletableFuture.allOf(done.toArray(CompletableFuture[]::new))
              .get(timeoutMillis, TimeUnit.MILLISECONDS);
          long elapsedMs = (System.nanoTime() - started) / 1_000_000;
          long cpuMs = processCpuMillis() - cpuBefore;
          String byThread = threadCpuDelta(threadsBefore, threadCpuMillis());
          List<Double> firstBytes = new ArrayList<>();
          for (CompletableFuture<Double> f : ttfb) {
            firstBytes.add(f.getNow(Double.NaN));
          }
          if (round == 1) {
            OUT.printf("TTFB ms=%.1f%n", firstBytes.get(0));
            OUT.printf(
                "TTFB_ALL n=%d median_ms=%.1f max_ms=%.1f%n",
                firstBytes.size(), median(firstBytes), max(firstBytes));
            OUT.printf(
                "COMPLETE elapsed_ms=%d at_ms=%d bytes=%d cpu_ms=%d hwm_kb=%d%n",
                elapsedMs, System.currentTimeMillis(), total, cpuMs, peakRssKb());
            OUT.println("CPU_BY_THREAD round=1 " + byThread);
          } else {
            OUT.printf(
                "WARM round=%d elapsed_ms=%d bytes=%d cpu_ms=%d hwm_kb=%d ttfb_ms=%.1f"
                    + " ttfb_median_ms=%.1f ttfb_max_ms=%.1f%n",
                round,
                elapsedMs,
                total,
                cpuMs,
                peakRssKb(),
                firstBytes.get(0),
                median(firstBytes),
                max(firstBytes));
            OUT.println("CPU_BY_THREAD round=" + round + " " + byThread);
          }
          OUT.flush();
          if (round < rounds) {
            for (Metainfo m : metainfos) {
              engine.remove(m.infoHash());
            }
            if (round > 1) {
              deleteTree(dest);
            }
          } else if (round > 1) {
            deleteTree(dest);
          }
        }
        return 0;
      }
      case "bt" -> {
        List<BtCorePeer> peers = new ArrayList<>();
        int[] ports = FreePorts.pick(torrentFiles.size());
        long started = System.nanoTime();
        for (int i = 0; i < torrentFiles.size(); i++) {
          total += Metainfo.parse(Files.readAllBytes(torrentFiles.get(i))).length();
          peers.add(BtCorePeer.start(torrentFiles.get(i), out, ports[i], false));
        }
        OUT.println("READY port=" + ports[0] + " torrents=" + torrentFiles.size());
        CompletableFuture.allOf(
                peers.stream().map(BtCorePeer::completion).toArray(CompletableFuture[]::new))
            .get(timeoutMillis, TimeUnit.MILLISECONDS);
        // No close: stopping bt can take seconds, and main() halts the JVM right away.
        complete(started, total);
      }
      default -> throw new IllegalArgumentException("engine " + engine(args));
    }
    return 0;
  }

  /**
   * Reads the first byte of the in-order stream on a daemon thread; completes with the milliseconds
   * from {@code startedNanos} (NaN if the read failed). The stream is closed after that byte, so
   * the torrent goes on rarest first, as before a reader came.
   */
  private static CompletableFuture<Double> timeToFirstByte(Torrent torrent, long startedNanos) {
    CompletableFuture<Double> result = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try (InputStream in = torrent.openStream(0)) {
                in.read();
                result.complete((System.nanoTime() - startedNanos) / 1e6);
              } catch (IOException | RuntimeException e) {
                OUT.println("TTFB failed: " + e);
                result.complete(Double.NaN);
              }
            },
            "bench-ttfb");
    t.setDaemon(true);
    t.start();
    return result;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  /** User + system CPU of this process so far, from /proc/self/stat (10 ms resolution). */
  private static long processCpuMillis() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // After the command: state is field 3, utime 14 and stime 15 (1-based, man proc).
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return ticks * 10; // USER_HZ is 100 on Linux
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * CPU milliseconds of this process's threads so far, by group: the engine's event loops ("io")
   * and disk threads ("disk"), the JIT compilers, GC and other VM threads, the rest. Threads that
   * ended are not counted.
   */
  private static Map<String, Long> threadCpuMillis() {
    Map<String, Long> byGroup = new java.util.TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long ms = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
          String group =
              name.startsWith("swarm-io")
                  ? "io"
                  : name.startsWith("swarm-disk")
                      ? "disk"
                      : name.contains("CompilerThre")
                          ? "jit"
                          : name.startsWith("VM Thread") || name.startsWith("GC")
                              ? "gc+vm"
                              : name.equals("java") || name.equals("main") ? "main" : "other";
          byGroup.merge(group, ms, Long::sum);
        } catch (IOException | RuntimeException e) {
          // The thread ended meanwhile.
        }
      }
    } catch (IOException e) {
      // Not Linux.
    }
    return byGroup;
  }

  private static String threadCpuDelta(Map<String, Long> before, Map<String, Long> after) {
    StringBuilder sb = new StringBuilder();
    after.forEach(
        (group, ms) ->
            sb.append(sb.length() == 0 ? "" : " ")
                .append(group)
                .append("_ms=")
                .append(ms - before.getOrDefault(group, 0L)));
    return sb.toString();
  }

  /** Peak resident set size of this process so far (VmHWM), as /usr/bin/time reports it. */
  private static long peakRssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: unknown.
    }
    return -1;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void complete(long startedNanos, long total) {
    OUT.printf(
        "COMPLETE elapsed_ms=%d at_ms=%d bytes=%d%n",
        (System.nanoTime() - startedNanos) / 1_000_000, System.currentTimeMillis(), total);
    OUT.flush();
  }

  private static EngineConfig config(Map<String, String> args) {
    int port = Integer.parseInt(args.getOrDefault("port", "0"));
    return EngineConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
  }

  private static List<Path> torrentFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("torrents"))) {
      List<Path> files = s.filter(p -> p.toString().endsWith(".torrent")).sorted().toList();
      if (files.isEmpty()) {
        throw new IOException("no .torrent files in " + dir.resolve("torrents"));
      }
      return files;
    }
  }

  private static String engine(Map<String, String> args) {
    return required(args, "engine");
  }

  private static Map<String, String> options(String[] argv) {
    Map<String, String> args = new HashMap<>();
    for (int i = 1; i < argv.length; i++) {
      if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
        usage("expected --key value at " + argv[i]);
      }
      args.put(argv[i].substring(2), argv[++i]);
    }
    return args;
  }

  private static String required(Map<String, String> args, String key) {
    String v = args.get(key);
    if (v == null) {
      usage("missing --" + key);
    }
    return v;
  }

  private static void usage(String problem) {
    System.err.println(
        "BenchPeer: "
            + problem
            + "\nusage: BenchPeer prepare|seed|leech --key value ..."
            + " (see the class javadoc)");
    Runtime.getRuntime().halt(1);
  }
}
