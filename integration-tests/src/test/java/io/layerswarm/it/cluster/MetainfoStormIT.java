package io.layerswarm.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.auth.ClusterSecret;
import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.Layer;
import io.layerswarm.testbed.OriginRegistry;
import io.layerswarm.testbed.RegistryPusher;
import io.layerswarm.testbed.SecretFiles;
import io.layerswarm.testbed.TestbedDirs;
import io.layerswarm.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The metainfo storm: H hosts ask for the metainfo of the same cold layer within one second (a
 * loopback {@link MetainfoStorm}, not H processes), split over two trackers, in a cluster with a
 * secret and two seeders in a ring (R = 2). The origin sends the blob once per ring owner, every
 * request gets the metainfo or a clear retry (429/503 with Retry-After), and the daemons' peak
 * resident memory is reported. H is 500 in {@code mvn verify}; the bench runs it with {@code
 * -Dlayerswarm.storm.requests=10000 -Dlayerswarm.storm.report=<path without extension>}, which
 * writes the figures as Markdown and JSON.
 */
class MetainfoStormIT {
  private static final String REPO = "library/storm";
  private static final int RING_REPLICAS = 2;
  private static final Duration SPREAD = Duration.ofSeconds(1);
  private static final Pattern HWM = Pattern.compile("(?m)^VmHWM:\\s+(\\d+) kB$");
  private ClusterBed bed;

  @AfterEach
  void stopAll() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void theOriginSendsAColdBlobOncePerOwnerAndEveryRequestGetsItsMetainfoOrARetry()
      throws Exception {
    int requests = Integer.getInteger("layerswarm.storm.requests", 500);
    int layerMiB = Integer.getInteger("layerswarm.storm.layer-mib", 32);
    bed = new ClusterBed(TestbedDirs.create("metainfo-storm"));
    Path work = bed.work();
    OriginRegistry origin = bed.track(OriginRegistry.start(work.resolve("origin")));
    Image image = bed.image("image", 1, (long) layerMiB << 20);
    new RegistryPusher(origin.baseUri()).push(image, REPO, "1");
    Layer layer = image.layers().get(0);

    Path secret = SecretFiles.clusterSecret(work.resolve("cluster.secret"));
    int[] ports = FreePorts.pick(4);
    String a = "http://127.0.0.1:" + ports[0];
    String b = "http://127.0.0.1:" + ports[1];
    List<String> trackers = List.of("http://127.0.0.1:" + ports[2], "http://127.0.0.1:" + ports[3]);
    // The generator is one address standing for H hosts: the per-address connection limit, meant
    // for one host, is raised to the total one.
    Path config =
        bed.config(
            "cluster.yaml",
            """
                cluster:
                  secret-file: %1$s
                seeder:
                  ring: [%2$s, %3$s]
                  ring-replicas: %4$d
                  trackers: [%5$s, %6$s]
                tracker:
                  seeders: [%2$s, %3$s]
                  ring-replicas: %4$d
                  max-connections-per-address: 16384
                """
                .formatted(secret, a, b, RING_REPLICAS, trackers.get(0), trackers.get(1)));
    String upstream = origin.baseUri().toString();
    List<CompletableFuture<DaemonProcess>> seeders = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      String name = i == 0 ? "seederA" : "seederB";
      int port = ports[i];
      seeders.add(
          ClusterBed.inBackground(
              () ->
                  bed.daemon(
                      name,
                      "seeder",
                      "--config",
                      config.toString(),
                      "--listen",
                      "127.0.0.1:" + port,
                      "--peer-listen",
                      "127.0.0.1:0",
                      "--data",
                      work.resolve(name).toString(),
                      "--upstream",
                      upstream)));
    }
    Map<String, DaemonProcess> daemons = new LinkedHashMap<>();
    daemons.put("seederA", seeders.get(0).get(3, TimeUnit.MINUTES));
    daemons.put("seederB", seeders.get(1).get(3, TimeUnit.MINUTES));
    List<CompletableFuture<DaemonProcess>> trackerStarts = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      String name = i == 0 ? "trackerA" : "trackerB";
      int port = ports[2 + i];
      trackerStarts.add(
          ClusterBed.inBackground(
              () ->
                  bed.daemon(
                      name,
                      "tracker",
                      "--config",
                      config.toString(),
                      "--listen",
                      "127.0.0.1:" + port)));
    }
    daemons.put("trackerA", trackerStarts.get(0).get(3, TimeUnit.MINUTES));
    daemons.put("trackerB", trackerStarts.get(1).get(3, TimeUnit.MINUTES));
    assertThat(origin.accessLog().blobGets(layer.digest())).as("the layer is cold").isZero();

    HttpAuth member = HttpAuth.of(Optional.of(ClusterSecret.load(secret)), InstantSource.system());
    long overflowsBefore = listenOverflows();
    Map<String, Double> cpuBefore = cpuSeconds(daemons);
    MetainfoStorm.Result storm =
        MetainfoStorm.run(
            trackers, layer.digest(), origin.hostPort(), REPO, requests, SPREAD, member);
    Map<String, Double> cpuCold = cpuSince(daemons, cpuBefore);

    // The first owner fetched the blob for the storm; the tracker then warms the other owner in
    // the background (R copies, as a preheat leaves them), whose GET may still be under way.
    Await.until(
        "the origin to send the layer to each of the R owners",
        Duration.ofSeconds(120),
        () -> seederGets(origin, layer) >= RING_REPLICAS);
    long originGets = seederGets(origin, layer);
    // The same storm again, now that the owners hold the blob: what the trackers and this client
    // cost without the origin fetch, which the cold storm's latency is mostly made of.
    cpuBefore = cpuSeconds(daemons);
    MetainfoStorm.Result warm =
        MetainfoStorm.run(
            trackers, layer.digest(), origin.hostPort(), REPO, requests, SPREAD, member);
    Map<String, Double> cpuWarm = cpuSince(daemons, cpuBefore);
    // Connections the kernel dropped because a listener's accept queue was full (whole machine).
    long overflows = listenOverflows() - overflowsBefore;
    Map<String, Long> peakRssMiB = new LinkedHashMap<>();
    for (Map.Entry<String, DaemonProcess> d : daemons.entrySet()) {
      peakRssMiB.put(d.getKey(), peakRssKiB(d.getValue().pid()) >> 10);
    }
    String line =
        String.format(
            "STORM metainfo: %d requests for one cold %d MiB layer within %s over 2 trackers"
                + " (2 seeders, R = %d): %d metainfo, %d retries, errors %s; latency"
                + " p50/p99/max %s ms, all answered %.1f s after the first; origin blob GETs %d; the same storm"
                + " warm: %d metainfo, errors %s, p50/p99/max %s ms; CPU-s cold %s, warm %s; peak RSS MiB %s (-Xmx256m each); kernel listen overflows %d",
            requests,
            layerMiB,
            SPREAD,
            RING_REPLICAS,
            storm.metainfo(),
            storm.retries(),
            storm.errors(),
            MetainfoStorm.latencies(storm),
            storm.seconds(),
            originGets,
            warm.metainfo(),
            warm.errors(),
            MetainfoStorm.latencies(warm),
            cpuCold,
            cpuWarm,
            peakRssMiB,
            overflows);
    System.out.println(line);
    String report = System.getProperty("layerswarm.storm.report", "");
    if (!report.isBlank()) {
      write(
          Path.of(report),
          List.of(storm, warm),
          requests,
          layerMiB,
          originGets,
          peakRssMiB,
          overflows,
          "{\"cold\": " + json(cpuCold) + ", \"warm\": " + json(cpuWarm) + "}",
          line);
    }

    for (MetainfoStorm.Result r : List.of(storm, warm)) {
      assertThat(r.errors()).as("answers that are neither metainfo nor a clear retry").isEmpty();
      assertThat(r.metainfo()).as("requests answered with metainfo").isPositive();
      assertThat(r.outcomes())
          .filteredOn(MetainfoStorm.Outcome::isMetainfo)
          .allSatisfy(o -> assertThat(o.length()).isEqualTo(layer.size()));
    }
    assertThat(originGets).as("blob GETs of the layer at the origin").isEqualTo(RING_REPLICAS);
    assertThat(origin.accessLog().blobGets(layer.digest()))
        .as("blob GETs of the layer at the origin from anyone")
        .isEqualTo(RING_REPLICAS);
  }

  private static long seederGets(OriginRegistry origin, Layer layer) {
    try {
      return origin.accessLog().byUserAgentPrefix("layerswarm-seeder/").blobGets(layer.digest());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String json(Map<String, Double> values) {
    return values.entrySet().stream()
        .map(e -> "\"" + e.getKey() + "\": " + e.getValue())
        .reduce((x, y) -> x + ", " + y)
        .map(body -> "{" + body + "}")
        .orElse("{}");
  }

  /** CPU seconds (user + system) each daemon and this JVM (the generator) has used so far. */
  private static Map<String, Double> cpuSeconds(Map<String, DaemonProcess> daemons)
      throws IOException {
    Map<String, Double> cpu = new LinkedHashMap<>();
    for (Map.Entry<String, DaemonProcess> d : daemons.entrySet()) {
      cpu.put(d.getKey(), cpuSeconds(d.getValue().pid()));
    }
    cpu.put("generator", cpuSeconds(ProcessHandle.current().pid()));
    return cpu;
  }

  private static Map<String, Double> cpuSince(
      Map<String, DaemonProcess> daemons, Map<String, Double> before) throws IOException {
    Map<String, Double> used = new LinkedHashMap<>();
    cpuSeconds(daemons)
        .forEach((name, now) -> used.put(name, Math.round((now - before.get(name)) * 10) / 10.0));
    return used;
  }

  /** utime + stime of {@code /proc/<pid>/stat}, in clock ticks of 1/100 s. */
  private static double cpuSeconds(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    // After the command in parentheses: state is field 3, utime 14, stime 15.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
  }

  /** TcpExt ListenOverflows of {@code /proc/net/netstat}. */
  private static long listenOverflows() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("/proc/net/netstat"));
    for (int i = 0; i + 1 < lines.size(); i++) {
      if (lines.get(i).startsWith("TcpExt:") && lines.get(i + 1).startsWith("TcpExt:")) {
        List<String> names = List.of(lines.get(i).split("\\s+"));
        String[] values = lines.get(i + 1).split("\\s+");
        int at = names.indexOf("ListenOverflows");
        return at < 0 ? -1 : Long.parseLong(values[at]);
      }
    }
    return -1;
  }

  private static long peakRssKiB(long pid) throws IOException {
    Matcher m = HWM.matcher(Files.readString(Path.of("/proc/" + pid + "/status")));
    if (!m.find()) {
      throw new IOException("no VmHWM in /proc/" + pid + "/status");
    }
    return Long.parseLong(m.group(1));
  }

  /** {@code <report>.md} and {@code <report>.json}. */
  private static void write(
      Path report,
      List<MetainfoStorm.Result> storms,
      int requests,
      int layerMiB,
      long originGets,
      Map<String, Long> peakRssMiB,
      long overflows,
      String cpuJson,
      String line)
      throws IOException {
    String load = Files.readString(Path.of("/proc/loadavg")).trim();
    List<String> labels = List.of("cold", "warm");
    StringBuilder jsonRows = new StringBuilder();
    StringBuilder mdRows = new StringBuilder();
    for (int i = 0; i < storms.size(); i++) {
      MetainfoStorm.Result r = storms.get(i);
      jsonRows.append(
          String.format(
              "%s{\"storm\": \"%s\", \"metainfo\": %d, \"retries\": %d, \"errors\": %d,"
                  + " \"latency_ms\": {\"p50\": %.1f, \"p99\": %.1f, \"max\": %.1f},"
                  + " \"seconds\": %.2f}",
              i == 0 ? "" : ", ",
              labels.get(i),
              r.metainfo(),
              r.retries(),
              r.errors().values().stream().mapToLong(Long::longValue).sum(),
              r.latencyMillis(0.5),
              r.latencyMillis(0.99),
              r.latencyMillis(1.0),
              r.seconds()));
      mdRows.append(
          String.format(
              "| %s | %d | %d | %d | %s | %.0f | %.0f | %.0f |%n",
              labels.get(i),
              requests,
              r.metainfo(),
              r.retries(),
              r.errors().isEmpty() ? "0" : r.errors().toString(),
              r.latencyMillis(0.5),
              r.latencyMillis(0.99),
              r.latencyMillis(1.0)));
    }
    String rss =
        peakRssMiB.entrySet().stream()
            .map(e -> "\"" + e.getKey() + "\": " + e.getValue())
            .reduce((x, y) -> x + ", " + y)
            .orElse("");
    String json =
        String.format(
            "{\"requests\": %d, \"spread_seconds\": %d, \"trackers\": 2, \"seeders\": 2,"
                + " \"ring_replicas\": %d, \"layer_mib\": %d, \"storms\": [%s],"
                + " \"origin_blob_gets\": %d, \"peak_rss_mib\": {%s}, \"cpu_seconds\": %s,"
                + " \"listen_overflows\": %d,"
                + " \"loadavg\": \"%s\"}%n",
            requests,
            SPREAD.toSeconds(),
            RING_REPLICAS,
            layerMiB,
            jsonRows,
            originGets,
            rss,
            cpuJson,
            overflows,
            load);
    String md =
        String.format(
            """
            # Metainfo storm: %d requests for one cold layer

            Command: `bench/metainfo-storm --requests %d --layer-mib %d` (MetainfoStormIT). Load
            average at the end: %s.

            | storm | requests | metainfo | retries | errors | p50 ms | p99 ms | max ms |
            |---|---:|---:|---:|---:|---:|---:|---:|
            %s
            The origin sent the layer %d times (R = %d), all to the seeders. Warm: the same storm
            again once the owners hold the blob. Peak resident memory (VmHWM, MiB; each daemon
            with -Xmx256m): %s. Connections the kernel dropped for a full accept queue during the
            run (TcpExt ListenOverflows, whole machine): %d.

            %s
            """,
            requests,
            requests,
            layerMiB,
            load,
            mdRows,
            originGets,
            RING_REPLICAS,
            peakRssMiB,
            overflows,
            line);
    Files.createDirectories(report.toAbsolutePath().getParent());
    Files.writeString(Path.of(report + ".json"), json);
    Files.writeString(Path.of(report + ".md"), md);
  }
}
