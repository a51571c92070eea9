package io.layerswarm.testbed.netns;

import io.layerswarm.core.auth.ClusterSecret;
import io.layerswarm.core.auth.HttpSignature;
import io.layerswarm.testbed.AccessLog;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.ProcessReaper;
import io.layerswarm.testbed.SecretFiles;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The {@code layerswarm} and {@code layerswarm-warm} methods of the swarm benchmark: tracker and
 * seeder on hosts of their own and an agent on every pulling host, all started from the built
 * distribution; the seeder cold, or pre-heated before the timer.
 */
final class LayerSwarmNodes {

  List<BarrierPull.Target> start(
      Bed bed,
      List<NetnsTopology.Host> hosts,
      Path dir,
      Started started,
      Map<String, Object> details,
      boolean warmSeeder,
      boolean zones)
      throws Exception {
    NetnsTopology.Host tracker = bed.topology().host("tracker");
    NetnsTopology.Host seeder = bed.topology().host("seeder");
    String trackerUrl = "http://" + tracker.hostPort(SwarmBench.TRACKER_PORT);
    String originUrl = bed.origin().baseUri().toString();
    // Every daemon runs as a cluster member should: one secret file for all (decision 35).
    Path secretFile =
        SecretFiles.clusterSecret(Files.createDirectories(dir).resolve("cluster.secret"));
    String secret = "cluster.secret-file=" + secretFile;
    List<Daemon> daemons = new ArrayList<>();
    daemons.add(
        new Daemon(
            "tracker",
            tracker,
            dir.resolve("tracker"),
            List.of(
                "tracker",
                "--listen",
                tracker.hostPort(SwarmBench.TRACKER_PORT),
                "--seeder",
                "http://" + seeder.hostPort(SwarmBench.SEEDER_PORT),
                "--set",
                secret)));
    daemons.add(
        new Daemon(
            "seeder",
            seeder,
            dir.resolve("seeder"),
            List.of(
                "seeder",
                "--listen",
                seeder.hostPort(SwarmBench.SEEDER_PORT),
                "--peer-listen",
                seeder.hostPort(SwarmBench.PEER_PORT),
                "--data",
                dir.resolve("seeder/data").toString(),
                "--tracker",
                trackerUrl,
                "--upstream",
                originUrl,
                "--set",
                "seeder.zone=" + (zones ? SwarmBench.Options.zoneOf("seeder") : ""),
                "--set",
                secret)));
    boolean adminSocket = agentHasAdminSocket(bed.options().dist());
    for (NetnsTopology.Host h : hosts) {
      Path hdir = dir.resolve("agent-" + h.name());
      List<String> args =
          new ArrayList<>(
              List.of(
                  "agent",
                  "--listen",
                  "127.0.0.1:" + SwarmBench.AGENT_PORT,
                  "--peer-listen",
                  h.hostPort(SwarmBench.PEER_PORT),
                  "--tracker",
                  trackerUrl,
                  "--upstream",
                  originUrl,
                  "--data",
                  hdir.resolve("data").toString(),
                  "--set",
                  "agent.swarm-deadline=120s",
                  "--set",
                  secret));
      if (zones) {
        args.addAll(List.of("--set", "agent.zone=" + SwarmBench.Options.zoneOf(h.name())));
      }
      if (adminSocket) {
        // Every namespace shares the file system: agents must not share the default socket path.
        args.addAll(List.of("--admin-socket", ""));
      }
      daemons.add(new Daemon("agents", h, hdir, args));
    }
    for (Daemon d : daemons) {
      BarrierPull.deleteTree(d.dir()); // fresh data dirs: nothing warm
      Files.createDirectories(d.dir());
    }
    bed.say()
        .printf(
            "   starting tracker, seeder and %d agent JVMs (JAVA_OPTS=%s)...%n",
            hosts.size(), bed.options().javaOpts());
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(daemons.size(), 24));
    try {
      List<Future<DaemonProcess>> futures = new ArrayList<>();
      for (Daemon d : daemons) {
        futures.add(
            pool.submit(
                () -> {
                  List<String> cmd =
                      Commands.inNetns(
                          d.host().netns(),
                          bed.options().nice(),
                          concat(
                              List.of(bed.options().dist().resolve("bin/layerswarm").toString()),
                              d.args()));
                  DaemonProcess p =
                      DaemonProcess.builder(d.role() + "@" + d.host().name(), cmd)
                          .workingDir(d.dir())
                          .logFile(d.dir().resolve("daemon.log"))
                          .env("JAVA_OPTS", bed.options().javaOpts())
                          .readyWhenOutputMatches(SwarmBench.READY)
                          .readyTimeout(Duration.ofSeconds(240))
                          .start();
                  started.add(d.role(), d.host().name(), p.pid(), p);
                  return p;
                }));
      }
      for (Future<DaemonProcess> f : futures) {
        f.get(300, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    double startup = (System.nanoTime() - t0) / 1e9;
    details.put("daemons_startup_seconds", startup);
    bed.say().printf("   %d daemons ready in %.1f s%n", daemons.size(), startup);
    details.put("cluster_secret", true);
    if (warmSeeder) {
      preheatSeeder(
          bed, tracker, seeder, details, HttpSignature.of(ClusterSecret.load(secretFile)));
    } else {
      details.put("seeder", "cold (fresh data dir, fetches from the origin on the first request)");
    }
    return hosts.stream()
        .map(h -> new BarrierPull.Target(h, "127.0.0.1:" + SwarmBench.AGENT_PORT))
        .toList();
  }

  /**
   * Pre-heats the seeder before the timer, as a registry push notification would: asks its control
   * endpoint for the metainfo of every blob at once (from the tracker's host, as the tracker would,
   * signed with the cluster secret), which makes it fetch each blob from the origin, hash it and
   * seed it.
   */
  private static void preheatSeeder(
      Bed bed,
      NetnsTopology.Host tracker,
      NetnsTopology.Host seeder,
      Map<String, Object> details,
      HttpSignature signature)
      throws IOException, InterruptedException {
    long mark = bed.origin().logMark();
    long tx0 = bed.topology().txBytes(bed.topology().host("origin"));
    long t0 = System.nanoTime();
    List<Process> calls = new ArrayList<>();
    List<Path> outs = new ArrayList<>();
    Path dir = Files.createDirectories(bed.options().workDir().resolve("preheat"));
    try {
      for (String digest : bed.expected()) {
        String url =
            "http://"
                + seeder.hostPort(SwarmBench.SEEDER_PORT)
                + "/metainfo/"
                + digest
                + "?registry="
                + bed.origin().hostPort()
                + "&repo="
                + SwarmBench.REPOSITORY;
        Path out = dir.resolve(digest.substring(7, 19) + ".txt");
        outs.add(out);
        Process p =
            new ProcessBuilder(
                    Commands.inNetns(
                        tracker.netns(),
                        List.of(
                            "curl",
                            "-s",
                            "-o",
                            "/dev/null",
                            "-w",
                            "%{http_code}",
                            "--max-time",
                            "600",
                            "-H",
                            HttpSignature.HEADER
                                + ": "
                                + signature.sign(
                                    "GET", HttpSignature.target(URI.create(url)), Instant.now()),
                            url)))
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        ProcessReaper.register("preheat", p);
        calls.add(p);
      }
      for (int i = 0; i < calls.size(); i++) {
        Process p = calls.get(i);
        if (!p.waitFor(620, TimeUnit.SECONDS)) {
          throw new IOException("seeder pre-heat timed out");
        }
        String code = Files.readString(outs.get(i)).strip();
        if (!code.equals("200")) {
          throw new IOException("seeder pre-heat answered " + code + " (" + outs.get(i) + ")");
        }
      }
    } finally {
      for (Process p : calls) {
        p.destroyForcibly();
        ProcessReaper.unregister(p);
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    AccessLog served = bed.settledBlobLog(mark);
    details.put("seeder", "pre-heated before the timer (control /metainfo for every blob at once)");
    details.put("prewarm_seconds", seconds);
    details.put("prewarm_origin_blob_bytes", served.totalBlobBytesSent());
    details.put("prewarm_origin_blob_gets", served.blobDownloads().size());
    details.put(
        "prewarm_origin_tx_bytes", bed.topology().txBytes(bed.topology().host("origin")) - tx0);
    bed.say()
        .printf(
            "   seeder pre-heated in %.2f s, origin sent %d blob bytes%n",
            seconds, served.totalBlobBytesSent());
  }

  private Boolean adminSocketFlag;

  /**
   * Whether this distribution's agent has an admin socket (and so the {@code --admin-socket} flag).
   */
  private boolean agentHasAdminSocket(Path dist) throws IOException, InterruptedException {
    if (adminSocketFlag == null) {
      Commands.Result help =
          Commands.run(
              Duration.ofSeconds(60),
              List.of(dist.resolve("bin/layerswarm").toString(), "agent", "--help"));
      adminSocketFlag = help.output().contains("--admin-socket");
    }
    return adminSocketFlag;
  }

  private record Daemon(String role, NetnsTopology.Host host, Path dir, List<String> args) {}

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  static int countWarnings(Path dir) {
    int count = 0;
    try (var files = Files.walk(dir, 2)) {
      for (Path p : files.filter(f -> f.getFileName().toString().equals("daemon.log")).toList()) {
        for (String line : Files.readAllLines(p)) {
          if (line.contains(" WARN ") || line.contains(" ERROR ")) {
            count++;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return count;
  }
}
