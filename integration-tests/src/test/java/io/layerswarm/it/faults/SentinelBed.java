package io.layerswarm.it.faults;

import io.layerswarm.it.cluster.ClusterBed;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testing.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Redis Sentinel as Debian ships it, on loopback: a master and one replica of it (Debian's
 * redis-server, both requiring {@code password}), and three sentinels (Debian's redis-sentinel,
 * quorum 2) that watch the master as {@value #MASTER}. Sentinel's timeouts are small, so that a
 * failover takes seconds: the master is down after {@code downAfter} without an answer.
 */
final class SentinelBed {
  static final String MASTER = "layerswarm";
  private static final Duration CLI_TIMEOUT = Duration.ofSeconds(10);

  final DaemonProcess master;
  final DaemonProcess replica;
  final List<DaemonProcess> sentinels;
  final int masterPort;
  final int replicaPort;
  private final int[] sentinelPorts;
  private final String password;

  private SentinelBed(
      DaemonProcess master,
      DaemonProcess replica,
      List<DaemonProcess> sentinels,
      int masterPort,
      int replicaPort,
      int[] sentinelPorts,
      String password) {
    this.master = master;
    this.replica = replica;
    this.sentinels = sentinels;
    this.masterPort = masterPort;
    this.replicaPort = replicaPort;
    this.sentinelPorts = sentinelPorts;
    this.password = password;
  }

  /** Starts them and returns once every sentinel can fail the master over to the replica. */
  static SentinelBed start(ClusterBed bed, String password, Duration downAfter)
      throws IOException, InterruptedException {
    int[] ports = FreePorts.pick(5);
    String[] auth = {"--requirepass", password, "--masterauth", password};
    DaemonProcess master = bed.redis("redis-master", ports[0], auth);
    List<String> replicaArgs = new ArrayList<>(List.of(auth));
    replicaArgs.addAll(List.of("--replicaof", "127.0.0.1", String.valueOf(ports[0])));
    DaemonProcess replica =
        bed.redis("redis-replica", ports[1], replicaArgs.toArray(String[]::new));
    int[] sentinelPorts = {ports[2], ports[3], ports[4]};
    List<DaemonProcess> sentinels = new ArrayList<>();
    for (int i = 0; i < sentinelPorts.length; i++) {
      String name = "sentinel-" + (i + 1);
      Path dir = Files.createDirectories(bed.work().resolve(name));
      // Sentinel rewrites its config file with what it learns, so each has its own.
      Path conf =
          bed.config(
              name + ".conf",
              String.join(
                  "\n",
                  "port " + sentinelPorts[i],
                  "bind 127.0.0.1",
                  "dir " + dir,
                  "sentinel monitor " + MASTER + " 127.0.0.1 " + ports[0] + " 2",
                  "sentinel auth-pass " + MASTER + " " + password,
                  "sentinel down-after-milliseconds " + MASTER + " " + downAfter.toMillis(),
                  "sentinel failover-timeout " + MASTER + " 10000",
                  "sentinel parallel-syncs " + MASTER + " 1",
                  ""));
      sentinels.add(
          bed.track(
              DaemonProcess.builder(name, List.of("/usr/bin/redis-sentinel", conf.toString()))
                  .logFile(bed.work().resolve(name + ".log"))
                  .readyWhenOutputContains("+monitor master " + MASTER)
                  .readyTimeout(Duration.ofSeconds(20))
                  .start()));
    }
    SentinelBed sentinel =
        new SentinelBed(master, replica, sentinels, ports[0], ports[1], sentinelPorts, password);
    sentinel.awaitFailoverPossible(Duration.ofSeconds(60));
    return sentinel;
  }

  /**
   * {@code tracker.redis}: every sentinel, the database and the master's name, with the password.
   */
  String uri() {
    StringBuilder uri = new StringBuilder("redis-sentinel://:" + password + "@");
    for (int i = 0; i < sentinelPorts.length; i++) {
      uri.append(i == 0 ? "" : ",").append("127.0.0.1:").append(sentinelPorts[i]);
    }
    return uri.append("/0#").append(MASTER).toString();
  }

  /**
   * The master's port as the sentinels that are up report it ({@code SENTINEL
   * get-master-addr-by-name}); -1 while they disagree or none answers.
   */
  int masterPortBySentinels() {
    List<String> seen = new ArrayList<>();
    for (int port : sentinelPorts) {
      List<String> addr = cli(port, false, "SENTINEL", "get-master-addr-by-name", MASTER);
      seen.add(addr.size() == 2 ? addr.get(1) : "?");
    }
    return seen.stream().distinct().count() == 1 && !seen.get(0).equals("?")
        ? Integer.parseInt(seen.get(0))
        : -1;
  }

  /** {@code INFO replication} of the server on {@code port}, one line each. */
  List<String> replication(int port) {
    return cli(port, true, "INFO", "replication");
  }

  /**
   * Waits until the replica is in sync and every sentinel knows the replica and sees a quorum
   * ({@code SENTINEL CKQUORUM}) — before that, killing the master would not fail it over.
   */
  private void awaitFailoverPossible(Duration timeout) {
    Await.until(
        "the replica in sync and every sentinel ready to fail " + MASTER + " over",
        timeout,
        () ->
            replication(replicaPort).contains("master_link_status:up")
                && java.util.Arrays.stream(sentinelPorts)
                    .allMatch(
                        p ->
                            String.join(" ", cli(p, false, "SENTINEL", "ckquorum", MASTER))
                                    .startsWith("OK 3 usable Sentinels")
                                && String.join(" ", cli(p, false, "SENTINEL", "replicas", MASTER))
                                    .contains(String.valueOf(replicaPort))),
        () -> String.join(" ", cli(sentinelPorts[0], false, "SENTINEL", "ckquorum", MASTER)));
  }

  /** Debian's redis-cli against {@code 127.0.0.1:<port>}: its output lines, none if it failed. */
  private List<String> cli(int port, boolean authenticate, String... command) {
    List<String> args =
        new ArrayList<>(List.of("/usr/bin/redis-cli", "-h", "127.0.0.1", "-p", "" + port));
    if (authenticate) {
      args.addAll(List.of("--no-auth-warning", "-a", password));
    }
    args.addAll(List.of(command));
    try {
      Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
      if (!p.waitFor(CLI_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return List.of();
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return p.exitValue() == 0
          ? out.lines().map(String::strip).collect(Collectors.toList())
          : List.of();
    } catch (IOException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }
}
