package io.layerswarm.testbed.netns;

import io.layerswarm.testbed.AccessLog;
import io.layerswarm.testbed.ProcessReaper;
import io.layerswarm.testbed.Skopeo;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code cache} method of the swarm benchmark: one docker-registry pull-through cache per k
 * hosts, each on a host of its own, pre-warmed before the timer.
 */
final class CacheTree {

  private CacheTree() {}

  /**
   * Starts the caches for {@code n} hosts, pre-warms them (recording the cost in {@code details})
   * and returns where each host pulls from.
   */
  static List<BarrierPull.Target> start(
      Bed bed,
      int n,
      List<NetnsTopology.Host> hosts,
      Path dir,
      Started started,
      Map<String, Object> details)
      throws Exception {
    int m = bed.options().cachesFor(n);
    List<NetnsRegistry> caches = new ArrayList<>();
    for (int j = 1; j <= m; j++) {
      NetnsTopology.Host c = bed.topology().host("c" + j);
      Path cdir = dir.resolve("cache-c" + j);
      BarrierPull.deleteTree(cdir);
      NetnsRegistry r =
          NetnsRegistry.start(
              c,
              cdir,
              cdir.resolve("data"),
              bed.origin().baseUri(),
              Duration.ofSeconds(30),
              bed.options().nice());
      caches.add(r);
      started.add("caches", c.name(), r.pid(), r);
    }
    // Pre-warm: one pull through each cache at once, from the cache host itself (its own address is
    // local,
    // so only the cache<-origin leg crosses a capped link), then wait until every blob is
    // committed.
    bed.say().printf("   pre-warming %d cache(s)...%n", m);
    long mark = bed.origin().logMark();
    long tx0 = bed.topology().txBytes(bed.topology().host("origin"));
    double cpu0 = bed.origin().cpuSeconds().orElse(0);
    long t0 = System.nanoTime();
    List<Process> warm = new ArrayList<>();
    Path warmDir = dir.resolve("prewarm");
    double bound = bed.imageBlobBytes() * 8.0 / bed.options().rateBitsPerSecond();
    Duration timeout = Duration.ofSeconds((long) Math.min(1800, 120 + 6 * m * bound));
    try {
      for (NetnsRegistry c : caches) {
        Path out = warmDir.resolve(c.host().name());
        Files.createDirectories(out);
        Process p =
            new ProcessBuilder(
                    Commands.inNetns(
                        c.host().netns(),
                        bed.options().nice(),
                        List.of(
                            "/usr/bin/skopeo",
                            "--insecure-policy",
                            "copy",
                            "--src-tls-verify=false",
                            Skopeo.dockerReference(
                                c.hostPort(), SwarmBench.REPOSITORY, SwarmBench.TAG),
                            "dir:" + out)))
                .redirectErrorStream(true)
                .redirectOutput(warmDir.resolve(c.host().name() + ".log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        ProcessReaper.register("prewarm@" + c.host().name(), p);
        warm.add(p);
      }
      long deadline = t0 + timeout.toNanos();
      for (int j = 0; j < warm.size(); j++) {
        Process p = warm.get(j);
        if (!p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
            || p.exitValue() != 0) {
          throw new IOException(
              "pre-warm through "
                  + caches.get(j)
                  + " failed: "
                  + BarrierPull.tail(warmDir.resolve(caches.get(j).host().name() + ".log")));
        }
      }
      double clientDone = (System.nanoTime() - t0) / 1e9;
      while (!caches.stream().allMatch(c -> bed.expected().stream().allMatch(c::hasBlob))) {
        if (System.nanoTime() > deadline) {
          throw new IOException(
              "caches did not store every blob within " + timeout.toSeconds() + " s");
        }
        Thread.sleep(100);
      }
      double warmSeconds = (System.nanoTime() - t0) / 1e9;
      AccessLog served = bed.settledBlobLog(mark);
      details.put("caches", m);
      details.put("prewarm_seconds", warmSeconds);
      details.put("prewarm_client_seconds", clientDone);
      details.put("prewarm_origin_blob_bytes", served.totalBlobBytesSent());
      details.put("prewarm_origin_blob_gets", served.blobDownloads().size());
      details.put(
          "prewarm_origin_tx_bytes", bed.topology().txBytes(bed.topology().host("origin")) - tx0);
      details.put("prewarm_origin_cpu_seconds", bed.origin().cpuSeconds().orElse(0) - cpu0);
      bed.say()
          .printf(
              "   pre-warm: %.2f s (clients done at %.2f s), origin sent %d blob bytes in %d GETs%n",
              warmSeconds, clientDone, served.totalBlobBytesSent(), served.blobDownloads().size());
    } finally {
      for (Process p : warm) {
        if (p.isAlive()) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        }
        ProcessReaper.unregister(p);
      }
      BarrierPull.deleteTree(warmDir);
    }
    List<BarrierPull.Target> targets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      targets.add(
          new BarrierPull.Target(
              hosts.get(i), caches.get(i / bed.options().cacheFanout()).hostPort()));
    }
    return targets;
  }
}
