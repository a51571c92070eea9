package io.layerswarm.sim.swarm;

import io.layerswarm.sim.kernel.Simulation;
import io.layerswarm.sim.net.Network;
import io.layerswarm.swarm.torrent.TorrentPolicy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * What the simulated engines share: the simulation and its loop, the network, the tracker, the
 * swarm policy they all run, and the directory that turns a peer's address into its host.
 */
public final class Cluster {
  /** How long a dial to a dead host takes to fail (the engine's connect timeout). */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final Simulation simulation;
  private final Network network;
  private final SimLoop loop;
  private final SimTracker tracker;
  private final TorrentPolicy policy;
  private final Map<InetSocketAddress, SimHost> byAddress = new HashMap<>();

  public Cluster(Simulation simulation, Network network, SimTracker tracker, TorrentPolicy policy) {
    this.simulation = simulation;
    this.network = network;
    this.loop = new SimLoop(simulation);
    this.tracker = tracker;
    this.policy = policy;
  }

  public Simulation simulation() {
    return simulation;
  }

  public Network network() {
    return network;
  }

  public SimLoop loop() {
    return loop;
  }

  public SimTracker tracker() {
    return tracker;
  }

  public TorrentPolicy policy() {
    return policy;
  }

  void register(SimHost host) {
    if (byAddress.putIfAbsent(host.address(), host) != null) {
      throw new IllegalArgumentException("two hosts at " + host.address());
    }
  }

  /** The host listening at {@code address}, or null. */
  SimHost host(InetSocketAddress address) {
    return byAddress.get(address);
  }
}
