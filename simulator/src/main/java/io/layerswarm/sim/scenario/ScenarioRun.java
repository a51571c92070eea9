package io.layerswarm.sim.scenario;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.PieceLength;
import io.layerswarm.sim.kernel.Simulation;
import io.layerswarm.sim.net.Host;
import io.layerswarm.sim.net.HostSpec;
import io.layerswarm.sim.net.LinkSpec;
import io.layerswarm.sim.net.Network;
import io.layerswarm.sim.net.Rack;
import io.layerswarm.sim.net.Zone;
import io.layerswarm.sim.report.RunResult;
import io.layerswarm.sim.report.RunResult.HostResult;
import io.layerswarm.sim.report.RunResult.SeederResult;
import io.layerswarm.sim.swarm.Cluster;
import io.layerswarm.sim.swarm.SimHost;
import io.layerswarm.sim.swarm.SimTorrent;
import io.layerswarm.sim.swarm.SimTracker;
import io.layerswarm.swarm.torrent.TorrentPolicy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Runs one {@link Scenario}: builds the network (seeders, origin, pulling hosts, racks), starts the
 * seeders and the pulls, runs the simulation until every host finished or failed (or a generous
 * deadline passed), and collects a {@link RunResult}.
 */
public final class ScenarioRun {
  /** Pulls start after this, so pre-heated seeders have announced. */
  static final Duration WARM_UP = Duration.ofSeconds(2);

  private ScenarioRun() {}

  public static RunResult run(Scenario s) {
    long wallStart = System.nanoTime();
    Simulation sim = new Simulation(s.seed());
    Network network = new Network(sim, s.network());
    long latency = s.latency().toNanos();
    // Agent -> tracker -> seeder and back: two round trips between two hosts.
    SimTracker tracker =
        new SimTracker(sim, SimTracker.DEFAULT_POLICY, s.latency().multipliedBy(2));
    int blockSize = s.blockSize() == 0 ? PieceLength.MAX : s.blockSize();
    TorrentPolicy policy = s.policy().withBlockSize(blockSize);
    TorrentPolicy seederPolicy = s.seederPolicy().withBlockSize(blockSize);
    Cluster cluster = new Cluster(sim, network, tracker, policy);
    HostSpec spec = HostSpec.symmetric(payloadRate(s, s.linkBitsPerSecond()), latency);

    List<SimHost> seeders = new ArrayList<>();
    for (int i = 0; i < s.seeders(); i++) {
      seeders.add(new SimHost(cluster, network.addHost(spec), Map.of(), seederPolicy));
    }
    SimHost origin =
        s.preheated()
            ? null
            : new SimHost(
                cluster,
                network.addHost(
                    new HostSpec(
                        payloadRate(s, s.originBitsPerSecond()),
                        payloadRate(s, s.linkBitsPerSecond()),
                        latency)),
                Map.of());
    List<Host> agents = agentHosts(network, spec, s);

    SplittableRandom random = sim.random("scenario");
    List<Blob> blobs = Blob.of(s, random.split());
    SeederFarm farm =
        new SeederFarm(seeders, origin, blobs, cluster.loop(), network, s.verifyBytesPerSecond());
    if (s.preheated()) {
      farm.preheat();
    }

    int[] open = {s.hosts()};
    PullingHost.Listener done =
        h -> {
          if (--open[0] == 0) {
            sim.stop();
          }
        };
    long requestNanos = 4 * latency;
    List<PullingHost> pulls = new ArrayList<>();
    SplittableRandom arrivals = random.split();
    SplittableRandom failures = random.split();
    long window = s.arrivalWindow().toNanos();
    for (int i = 0; i < s.hosts(); i++) {
      SimHost host = new SimHost(cluster, agents.get(i), topology(s, i));
      PullingHost pull = new PullingHost(sim, host, farm, blobs, s, requestNanos, done);
      long start = WARM_UP.toNanos() + (window == 0 ? 0 : arrivals.nextLong(window + 1));
      pull.startAt(start);
      if (failures.nextDouble() < s.failFraction()) {
        long at = start + (long) (failures.nextDouble() * s.secondsPerImage() * 1e9);
        sim.at(at, pull::fail);
      }
      pulls.add(pull);
    }

    long deadline = WARM_UP.toNanos() + window + (long) ((20 * s.secondsPerImage() + 600) * 1e9);
    // Debugging aids, off unless asked: the peers' states of the seeders and of unfinished hosts,
    // at a given virtual second (the first unfinished host) or at the end (every one).
    long debugAt = Long.getLong("sim.debugAtSeconds", -1);
    if (debugAt > 0) {
      sim.at(debugAt * 1_000_000_000L, () -> dump(seeders, pulls, false));
    }
    double traceEvery = Double.parseDouble(System.getProperty("sim.traceEverySeconds", "0"));
    if (traceEvery > 0) {
      trace(sim, seeders, pulls, (long) (traceEvery * 1e9), payloadRate(s, s.linkBitsPerSecond()));
    }
    runShowingProgress(sim, deadline, open, s.hosts(), wallStart);
    if (Boolean.getBoolean("sim.debugStall")) {
      dump(seeders, pulls, true);
    }
    if (Boolean.getBoolean("sim.solverStats")) {
      System.err.println(network.solverStatistics());
    }

    return collect(s, sim, network, tracker, farm, pulls, (System.nanoTime() - wallStart) / 1e9);
  }

  /** How often a long run prints where it is, in wall time. */
  private static final long PROGRESS_EVERY_NANOS = Duration.ofSeconds(30).toNanos();

  /**
   * Runs the simulation to {@code deadline} or until every host is done, in slices of virtual time,
   * and between slices prints a progress line to stderr every 30 s of wall time (a 1,000-host run
   * takes an hour). The slices change nothing: no event runs between them, and the last one ends
   * where one {@code runUntil(deadline)} would.
   */
  private static void runShowingProgress(
      Simulation sim, long deadline, int[] open, int hosts, long wallStart) {
    long slice = 100_000_000L; // 0.1 s of virtual time
    long nextReport = wallStart + PROGRESS_EVERY_NANOS;
    while (open[0] > 0 && sim.pendingEvents() > 0 && sim.nowNanos() < deadline) {
      sim.runUntil(Math.min(deadline, sim.nowNanos() + slice));
      long wall = System.nanoTime();
      if (wall >= nextReport && open[0] > 0) {
        double seconds = (wall - wallStart) / 1e9;
        System.err.printf(
            "swarm-sim: N=%d at %.1f s of virtual time, %d of %d hosts done, %,d events, %.0fk"
                + " events/s, %.0f s of wall time%n",
            hosts,
            sim.nowNanos() / 1e9,
            hosts - open[0],
            hosts,
            sim.eventsRun(),
            sim.eventsRun() / seconds / 1e3,
            seconds);
        nextReport = wall + PROGRESS_EVERY_NANOS;
      }
    }
    if (open[0] > 0 && sim.nowNanos() < deadline) {
      sim.runUntil(deadline); // an empty queue: now moves to the deadline, as in one run
    }
  }

  /**
   * A debugging aid ({@code -Dsim.traceEverySeconds=1}): every {@code period} of virtual time, the
   * share of the seeders' and the hosts' upload capacity used since the last line and of the hosts'
   * download capacity (payload counts when a block is through, so a line may show more than 1), the
   * seeders' connections, how many hosts finished, the state of the hosts' connections ({@link
   * #links}) and their piece memory.
   */
  private static void trace(
      Simulation sim, List<SimHost> seeders, List<PullingHost> pulls, long period, long rate) {
    long[] last = new long[3];
    Runnable[] step = new Runnable[1];
    step[0] =
        () -> {
          long seeded = 0;
          int connections = 0;
          for (SimHost h : seeders) {
            seeded += h.uploadedPayload();
            for (SimTorrent t : h.torrents()) {
              connections += t.core().connectedPeers();
            }
          }
          long shared = 0;
          long got = 0;
          int finished = 0;
          for (PullingHost p : pulls) {
            shared += p.host().uploadedPayload();
            got += p.host().downloadedPayload();
            finished += p.endNanos() >= 0 ? 1 : 0;
          }
          double capacity = rate / 8.0 * (period / 1e9);
          System.err.printf(
              "t=%6.2f seeders up %.2f (peers %d) hosts up %.2f down %.2f finished %d links %s"
                  + " senders %s%n",
              sim.nowNanos() / 1e9,
              (seeded - last[0]) / capacity / seeders.size(),
              connections,
              (shared - last[1]) / capacity / pulls.size(),
              (got - last[2]) / capacity / pulls.size(),
              finished,
              links(pulls),
              sendersHistogram(seeders, pulls));
          last[0] = seeded;
          last[1] = shared;
          last[2] = got;
          if (finished < pulls.size()) {
            sim.at(sim.nowNanos() + period, step[0]);
          }
        };
    sim.at(period, step[0]);
  }

  /**
   * Over the unfinished hosts, how many hosts (not seeders) unchoke each of them, summed over its
   * torrents, as {uploaders=hosts with that many}. A wide spread leaves the downloads of hosts with
   * few uploaders short of their link (decision 30 found one with it).
   */
  private static String sendersHistogram(List<SimHost> seeders, List<PullingHost> pulls) {
    Set<InetSocketAddress> seederAddresses = new HashSet<>();
    for (SimHost h : seeders) {
      seederAddresses.add(h.address());
    }
    Map<Integer, Integer> histogram = new TreeMap<>();
    for (PullingHost p : pulls) {
      if (p.endNanos() >= 0) {
        continue;
      }
      int senders = 0;
      for (SimTorrent t : p.host().torrents()) {
        for (var peer : t.core().peerList()) {
          if (!peer.peerChoking() && !seederAddresses.contains(peer.remoteAddress())) {
            senders++;
          }
        }
      }
      histogram.merge(senders, 1, Integer::sum);
    }
    return histogram.toString();
  }

  /**
   * Over the unfinished hosts' connections that unchoke them: how many they ask (requests
   * outstanding), how many they want something of but have nothing left to ask (every piece it has
   * that they lack is asked of others), and how many they do not want; and over all the hosts'
   * connections, how many they unchoke and how many of those have requests queued with them.
   */
  private static String links(List<PullingHost> pulls) {
    int asking = 0;
    int starved = 0;
    int unwanted = 0;
    int unchoking = 0;
    int unchokingInterested = 0;
    int blocksOut = 0;
    long memory = 0;
    long memoryMax = 0;
    int memoryFull = 0;
    for (PullingHost p : pulls) {
      long reserved = p.host().memory().reserved();
      memory += reserved;
      memoryMax = Math.max(memoryMax, reserved);
      if (reserved + 128 * 1024 > p.host().memory().budget()) {
        memoryFull++;
      }
      for (SimTorrent t : p.host().torrents()) {
        for (var peer : t.core().peerList()) {
          if (!peer.amChoking()) {
            unchoking++;
            if (peer.isInterested()) {
              unchokingInterested++;
            }
          }
          if (p.endNanos() >= 0 || peer.peerChoking()) {
            continue;
          }
          if (!peer.amInterested()) {
            unwanted++;
          } else if (peer.outstanding().isEmpty()) {
            starved++;
          } else {
            asking++;
            blocksOut += peer.outstanding().size();
          }
        }
      }
    }
    return String.format(
        "in[ask %d (%.1f blk) starved %d unwanted %d] out[unchoked %d interested %d]"
            + " mem[mean %.1f max %.1f MiB, %d full]",
        asking,
        asking == 0 ? 0.0 : blocksOut / (double) asking,
        starved,
        unwanted,
        unchoking,
        unchokingInterested,
        memory / (double) pulls.size() / (1 << 20),
        memoryMax / (double) (1 << 20),
        memoryFull);
  }

  private static void dump(List<SimHost> seeders, List<PullingHost> pulls, boolean everyHost) {
    for (SimHost h : seeders) {
      dump("seeder", h);
    }
    for (PullingHost p : pulls) {
      if (p.endNanos() < 0) {
        dump("unfinished", p.host());
        if (!everyHost) {
          return;
        }
      }
    }
  }

  private static void dump(String what, SimHost h) {
    for (SimTorrent t : h.torrents()) {
      System.err.printf(
          "%s %s torrent %s verified %d/%d stopped %s peers %d%n",
          what,
          h.address(),
          t.infoHash().hex().substring(0, 8),
          t.store().verified().cardinality(),
          t.metainfo().pieceCount(),
          t.core().isStopped(),
          t.core().connectedPeers());
      for (var peer : t.core().peerList()) {
        System.err.printf(
            "   %s amChoking=%s amInterested=%s peerChoking=%s peerInterested=%s has=%d out=%s%n",
            peer.remoteAddress(),
            peer.amChoking(),
            peer.amInterested(),
            peer.peerChoking(),
            peer.isInterested(),
            peer.pieces().cardinality(),
            peer.outstanding());
      }
    }
  }

  /** A link's capacity for the simulated bytes: its rate less the wire's framing. */
  private static long payloadRate(Scenario s, long bitsPerSecond) {
    return Math.max(1, Math.round(bitsPerSecond / s.wireOverhead()));
  }

  /** The pulling hosts, in racks of one zone if the scenario has racks. */
  private static List<Host> agentHosts(Network network, HostSpec spec, Scenario s) {
    List<Host> hosts = new ArrayList<>(s.hosts());
    if (s.racks() == 0) {
      for (int i = 0; i < s.hosts(); i++) {
        hosts.add(network.addHost(spec));
      }
      return hosts;
    }
    int perRack = (s.hosts() + s.racks() - 1) / s.racks();
    long uplink =
        (long)
            (perRack * (double) payloadRate(s, s.linkBitsPerSecond()) / s.rackOversubscription());
    Zone zone = network.addZone(LinkSpec.symmetric(Long.MAX_VALUE / 4, 0));
    List<Rack> racks = new ArrayList<>();
    for (int r = 0; r < s.racks(); r++) {
      racks.add(network.addRack(zone, LinkSpec.symmetric(uplink, 0)));
    }
    for (int i = 0; i < s.hosts(); i++) {
      hosts.add(network.addHost(spec, racks.get(i / perRack)));
    }
    return hosts;
  }

  private static Map<String, String> topology(Scenario s, int i) {
    if (s.racks() == 0) {
      return Map.of();
    }
    int perRack = (s.hosts() + s.racks() - 1) / s.racks();
    return Map.of("zone", "z0", "rack", "r" + (i / perRack));
  }

  private static RunResult collect(
      Scenario s,
      Simulation sim,
      Network network,
      SimTracker tracker,
      SeederFarm farm,
      List<PullingHost> pulls,
      double wallSeconds) {
    double image = s.imageBytes();
    List<HostResult> hosts = new ArrayList<>();
    List<Double> times = new ArrayList<>();
    int failed = 0;
    int unfinished = 0;
    double sentSum = 0;
    double receivedSum = 0;
    double wastedSum = 0;
    double outsideEndgameMax = 0;
    for (PullingHost p : pulls) {
      SimHost h = p.host();
      double seconds = p.endNanos() >= 0 ? (p.endNanos() - p.startNanos()) / 1e9 : Double.NaN;
      long wasted = 0;
      long endgameWasted = 0;
      Set<InfoHash> verified = new HashSet<>();
      for (SimTorrent t : h.torrents()) {
        wasted += t.core().wastedBytes();
        endgameWasted += t.core().endgameWastedBytes();
        if (t.store().isComplete()) {
          verified.add(t.infoHash());
        }
      }
      hosts.add(
          new HostResult(
              h.netHost().id(),
              p.startNanos() / 1e9,
              seconds,
              p.failed(),
              verified.size() + p.inlined(),
              h.bytesSent(),
              h.bytesReceived(),
              h.uploadedPayload(),
              h.downloadedPayload(),
              wasted,
              endgameWasted));
      if (p.failed()) {
        failed++;
        continue;
      }
      if (Double.isNaN(seconds)) {
        unfinished++;
        continue;
      }
      times.add(seconds);
      sentSum += h.bytesSent();
      receivedSum += h.bytesReceived();
      wastedSum += wasted;
      outsideEndgameMax = Math.max(outsideEndgameMax, (wasted - endgameWasted) / image);
    }
    List<SeederResult> seeders = new ArrayList<>();
    double seederMax = 0;
    double seederTotal = 0;
    for (SimHost seeder : farm.seeders()) {
      seeders.add(
          new SeederResult(seeder.netHost().id(), seeder.bytesSent(), seeder.uploadedPayload()));
      seederMax = Math.max(seederMax, seeder.uploadedPayload() / image);
      seederTotal += seeder.uploadedPayload() / image;
    }
    double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = Math.max(1, sorted.length);
    RunResult.Summary summary =
        new RunResult.Summary(
            sorted.length,
            failed,
            unfinished,
            RunResult.percentile(sorted, 50),
            RunResult.percentile(sorted, 90),
            RunResult.percentile(sorted, 99),
            sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1],
            seederMax,
            seederTotal,
            sentSum / n / image,
            receivedSum / n / image,
            wastedSum / n / image,
            outsideEndgameMax);
    RunResult.SimStats stats =
        new RunResult.SimStats(
            sim.eventsRun(),
            wallSeconds,
            sim.nowNanos() / 1e9,
            tracker.announces(),
            network.connectionsOpened(),
            network.rateRecomputations());
    return new RunResult(
        s, s.imageBytes(), s.secondsPerImage(), hosts, seeders, farm.originBytes(), summary, stats);
  }
}
