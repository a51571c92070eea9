package io.layerswarm.swarm.bench;

import com.sun.management.OperatingSystemMXBean;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PieceLength;
import io.layerswarm.swarm.EngineConfig;
import io.layerswarm.swarm.SwarmEngine;
import io.layerswarm.swarm.Torrent;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Throughput self-check, not a test: one engine seeds a file on loopback and a second engine in the
 * same JVM downloads it. Prints MB/s and the process's CPU seconds for the download.
 *
 * <p>Usage: {@code LoopbackBench [MiB, default 256] [directory, default a temp dir]}.
 */
public final class LoopbackBench {
  private LoopbackBench() {}

  private static Map<Long, Long> threadCpu() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<Long, Long> cpu = new TreeMap<>();
    for (long id : threads.getAllThreadIds()) {
      cpu.put(id, threads.getThreadCpuTime(id));
    }
    return cpu;
  }

  /**
   * CPU seconds per Java thread group (event loops, disk pool) during the download, to see where
   * time goes. JIT and GC threads are not Java threads; they make up most of the rest.
   */
  private static void printThreadCpu(Map<Long, Long> before) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, Double> byGroup = new TreeMap<>();
    for (long id : threads.getAllThreadIds()) {
      ThreadInfo info = threads.getThreadInfo(id);
      long nanos = threads.getThreadCpuTime(id) - before.getOrDefault(id, 0L);
      if (info != null && nanos > 0) {
        String group = info.getThreadName().replaceAll("[-0-9]+$", "");
        byGroup.merge(group, nanos / 1e9, Double::sum);
      }
    }
    byGroup.forEach(
        (group, seconds) -> {
          if (seconds > 0.05) {
            System.out.printf("  %-24s %.2f CPU s%n", group, seconds);
          }
        });
  }

  public static void main(String[] args) throws Exception {
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
    Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("loopback-bench");
    long size = mib * 1024L * 1024 + 12_345;
    Path source = dir.resolve("source");
    try (OutputStream out = Files.newOutputStream(source)) {
      SplittableRandom random = new SplittableRandom(1);
      byte[] chunk = new byte[1 << 20];
      for (long written = 0; written < size; written += chunk.length) {
        for (int i = 0; i < chunk.length; i += 8) {
          long v = random.nextLong();
          for (int b = 0; b < 8; b++) {
            chunk[i + b] = (byte) (v >>> (8 * b));
          }
        }
        out.write(chunk, 0, (int) Math.min(chunk.length, size - written));
      }
    }
    long t0 = System.nanoTime();
    Metainfo metainfo = Metainfo.create(source, "bench", List.of(), PieceLength.forSize(size));
    System.out.printf(
        "hashed %d MiB in %.2f s, %d pieces of %d KiB%n",
        mib, (System.nanoTime() - t0) / 1e9, metainfo.pieceCount(), metainfo.pieceLength() / 1024);

    InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (SwarmEngine seeder = SwarmEngine.start(EngineConfig.defaults(loopback));
        SwarmEngine leecher = SwarmEngine.start(EngineConfig.defaults(loopback))) {
      seeder.seed(metainfo, source);
      Map<Long, Long> before = threadCpu();
      long cpu0 = os.getProcessCpuTime();
      long start = System.nanoTime();
      Torrent torrent =
          leecher.download(metainfo, dir.resolve("target.part"), dir.resolve("target"));
      torrent.addPeers(List.of(seeder.listenAddress()));
      torrent.completion().get(10, TimeUnit.MINUTES);
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
      System.out.printf(
          "downloaded %d MiB in %.2f s: %.1f MB/s, %.2f CPU s (%.2f CPU s/GiB)%n",
          mib, seconds, size / seconds / 1e6, cpu, cpu * 1024.0 / mib);
      printThreadCpu(before);
    }
    System.out.println("identical: " + (Files.mismatch(source, dir.resolve("target")) == -1));
    Files.deleteIfExists(dir.resolve("target"));
    Files.deleteIfExists(source);
  }
}
