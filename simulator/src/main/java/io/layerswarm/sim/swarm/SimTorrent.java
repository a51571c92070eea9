package io.layerswarm.sim.swarm;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.swarm.storage.InMemoryPieceStore;
import io.layerswarm.swarm.torrent.Dialer;
import io.layerswarm.swarm.torrent.TorrentCore;
import io.layerswarm.swarm.torrent.TorrentPorts;
import io.layerswarm.swarm.tracker.Announcer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * One torrent of a simulated engine: the engine's {@link TorrentCore} and {@link Announcer} on the
 * simulation's loop, a store that holds no bytes, and dials over the simulated network.
 */
public final class SimTorrent {
  /** The re-announce interval when the tracker gives none (the engine's default). */
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);

  private final SimHost host;
  private final Metainfo metainfo;
  private final InMemoryPieceStore store;
  private final InOrderWatch watch;
  private final TorrentCore core;
  private final Announcer announcer;

  SimTorrent(SimHost host, Metainfo metainfo, boolean complete) {
    this.host = host;
    this.metainfo = metainfo;
    this.store = InMemoryPieceStore.trusting(metainfo, complete);
    this.watch = new InOrderWatch(store, metainfo.geometry());
    Cluster cluster = host.cluster();
    this.core =
        new TorrentCore(
            metainfo,
            host.peerId(),
            host.policy(),
            new TorrentPorts(
                cluster.loop(),
                cluster.simulation().clock(),
                cluster.simulation().random().split(),
                watch,
                host.memory(),
                new HostDialer(),
                host::nextSequence));
    this.announcer =
        new Announcer(
            List.of(SimTracker.ANNOUNCE),
            host.trackerClient(),
            cluster.loop(),
            e -> core.announceRequest(e, SimHost.PORT, Optional.empty(), host.announceParams()),
            core::trackerPeers,
            DEFAULT_INTERVAL,
            cluster.simulation().clock());
  }

  void start() {
    core.start(announcer);
  }

  public InfoHash infoHash() {
    return metainfo.infoHash();
  }

  public Metainfo metainfo() {
    return metainfo;
  }

  public TorrentCore core() {
    return core;
  }

  public InMemoryPieceStore store() {
    return store;
  }

  /**
   * Calls {@code listener} with the bytes of the verified in-order prefix each time it grows, on
   * the loop.
   */
  public void onInOrderPrefix(LongConsumer listener) {
    watch.onPrefix(listener);
  }

  public SimHost host() {
    return host;
  }

  /** Dials through the host, which counts connections against its cap. */
  private final class HostDialer implements Dialer {
    @Override
    public boolean isSelf(InetSocketAddress address) {
      return address.equals(host.address());
    }

    @Override
    public boolean dial(InetSocketAddress address, Events events) {
      return host.dial(SimTorrent.this, address, events);
    }
  }
}
