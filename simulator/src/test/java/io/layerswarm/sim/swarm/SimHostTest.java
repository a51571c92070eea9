package io.layerswarm.sim.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PieceLength;
import io.layerswarm.sim.kernel.Simulation;
import io.layerswarm.sim.net.HostSpec;
import io.layerswarm.sim.net.Network;
import io.layerswarm.sim.scenario.Blob;
import io.layerswarm.swarm.torrent.Dialer;
import io.layerswarm.swarm.torrent.TorrentPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Simulated engines: the engine's own torrents talking over the simulated network. */
class SimHostTest {
  private static final long RATE = 100_000_000; // 100 Mbit/s
  private static final long SIZE = 8L * 1024 * 1024;

  private final Simulation simulation = new Simulation(7);
  private final Network network = new Network(simulation);
  private final Cluster cluster =
      new Cluster(
          simulation,
          network,
          new SimTracker(simulation, SimTracker.DEFAULT_POLICY, Duration.ofMillis(1)),
          TorrentPolicy.DEFAULTS.withBlockSize(PieceLength.MAX));
  private final Metainfo metainfo = Blob.make(0, SIZE, new SplittableRandom(3)).metainfo();

  private SimHost host() {
    return new SimHost(cluster, network.addHost(HostSpec.symmetric(RATE, 50_000)), Map.of());
  }

  private double seconds() {
    return simulation.nowNanos() / 1e9;
  }

  @Test
  void aLeecherGetsEveryPieceFromTheSeedTheTrackerNamesInAboutSizeOverRate() {
    SimHost seed = host();
    SimHost leecher = host();
    seed.seed(metainfo);
    simulation.runUntil(Duration.ofSeconds(1).toNanos());
    SimTorrent download = leecher.download(metainfo, true);
    double[] done = {Double.NaN};
    download.core().completion().whenComplete((p, e) -> done[0] = seconds() - 1);

    simulation.runUntil(Duration.ofSeconds(10).toNanos());

    assertThat(download.store().isComplete()).isTrue();
    double ideal = SIZE * 8.0 / RATE;
    assertThat(done[0]).isBetween(ideal, ideal * 1.1);
    assertThat(seed.uploadedPayload()).isEqualTo(SIZE);
    assertThat(seed.bytesSent()).isBetween(SIZE, (long) (SIZE * 1.01));
  }

  @Test
  void theSameSeedGivesTheSameRunToTheNanosecond() {
    assertThat(threeLeechersFinish(11)).isEqualTo(threeLeechersFinish(11));
    assertThat(threeLeechersFinish(11)).isNotEqualTo(threeLeechersFinish(12));
  }

  private static List<Long> threeLeechersFinish(long seed) {
    Simulation simulation = new Simulation(seed);
    Network network = new Network(simulation);
    Cluster cluster =
        new Cluster(
            simulation,
            network,
            new SimTracker(simulation, SimTracker.DEFAULT_POLICY, Duration.ofMillis(1)),
            TorrentPolicy.DEFAULTS.withBlockSize(PieceLength.MAX));
    Metainfo metainfo = Blob.make(0, SIZE, new SplittableRandom(3)).metainfo();
    new SimHost(cluster, network.addHost(HostSpec.symmetric(RATE, 50_000)), Map.of())
        .seed(metainfo);
    List<Long> finished = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      SimHost h = new SimHost(cluster, network.addHost(HostSpec.symmetric(RATE, 50_000)), Map.of());
      h.download(metainfo, true)
          .core()
          .completion()
          .whenComplete((p, e) -> finished.add(simulation.nowNanos()));
    }
    simulation.runUntil(Duration.ofSeconds(30).toNanos());
    assertThat(finished).hasSize(3);
    return finished;
  }

  @Test
  void aConnectionToAHostWithoutTheTorrentIsClosedAfterTheHandshake() {
    SimHost leecher = host();
    SimHost stranger = host();
    SimTorrent download = leecher.download(metainfo, false);

    download.core().addPeers(List.of(stranger.address()));
    simulation.runUntil(Duration.ofSeconds(1).toNanos());

    assertThat(network.connectionsOpened()).isEqualTo(1);
    assertThat(download.core().connectedPeers()).isZero();
    assertThat(stranger.netHost().connections()).isEmpty();
  }

  @Test
  void aDialToAFailedHostFailsAfterTheConnectTimeout() {
    SimHost leecher = host();
    SimHost dead = host();
    dead.fail();
    SimTorrent download = leecher.download(metainfo, false);
    List<String> heard = new ArrayList<>();

    leecher.dial(
        download,
        dead.address(),
        new Dialer.Events() {
          @Override
          public void connected() {
            heard.add("connected");
          }

          @Override
          public void failed(Throwable cause) {
            heard.add("failed at " + seconds());
          }

          @Override
          public void closed() {
            heard.add("closed");
          }
        });
    simulation.runUntil(Duration.ofSeconds(11).toNanos());

    assertThat(heard).containsExactly("failed at " + Cluster.CONNECT_TIMEOUT.toSeconds() + ".0");
    assertThat(network.connectionsOpened()).isZero();
  }

  @Test
  void whenALeecherFailsTheOthersStillFinishAndForgetIt() {
    SimHost seed = host();
    seed.seed(metainfo);
    SimHost doomed = host();
    SimHost survivor = host();
    simulation.runUntil(Duration.ofMillis(100).toNanos());
    doomed.download(metainfo, true);
    SimTorrent download = survivor.download(metainfo, true);
    simulation.runUntil(Duration.ofMillis(400).toNanos());
    assertThat(download.core().connectedPeers()).isEqualTo(2);

    doomed.fail();
    simulation.runUntil(Duration.ofSeconds(10).toNanos());

    assertThat(download.store().isComplete()).isTrue();
    assertThat(doomed.netHost().connections()).isEmpty();
  }
}
