package io.layerswarm.sim.swarm;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.sim.net.Host;
import io.layerswarm.swarm.EngineConfig;
import io.layerswarm.swarm.storage.PieceMemory;
import io.layerswarm.swarm.torrent.Dialer;
import io.layerswarm.swarm.torrent.TorrentPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One simulated engine (an agent or a seeder) on one host of the simulated network: its peer id,
 * its piece memory, its torrents by info hash, and its connection cap. Its torrents are the
 * engine's own {@link io.layerswarm.swarm.torrent.TorrentCore}s.
 */
public final class SimHost {
  /** The port every simulated engine listens on. */
  static final int PORT = 6881;

  private final Cluster cluster;
  private final Host host;
  private final InetSocketAddress address;
  private final PeerId peerId;
  private final PieceMemory memory;
  private final int maxConnections;
  private final Map<String, String> announceParams;
  private final TorrentPolicy policy;
  private final SimTracker.Client trackerClient;
  private final Map<InfoHash, SimTorrent> torrents = new HashMap<>();
  private final List<SimTorrent> everyTorrent = new ArrayList<>();
  private long sequence;
  private int connections;
  private boolean failed;

  /**
   * @param announceParams sent with every announce (zone, rack)
   */
  public SimHost(Cluster cluster, Host host, Map<String, String> announceParams) {
    this(cluster, host, announceParams, cluster.policy());
  }

  /** A host whose torrents run {@code policy} rather than the cluster's. */
  public SimHost(
      Cluster cluster, Host host, Map<String, String> announceParams, TorrentPolicy policy) {
    this.cluster = cluster;
    this.policy = policy;
    this.host = host;
    this.address = new InetSocketAddress(ip(host.id()), PORT);
    byte[] id = new byte[PeerId.LENGTH];
    cluster.simulation().random().nextBytes(id);
    this.peerId = new PeerId(id);
    this.memory = new PieceMemory(EngineConfig.DEFAULT_PIECE_MEMORY);
    this.maxConnections = 1000;
    this.announceParams = Map.copyOf(announceParams);
    this.trackerClient = cluster.tracker().client(this);
    cluster.register(this);
  }

  /** 10.x.y.z from the host's number: no name lookup, ever. */
  private static InetAddress ip(int n) {
    int a = n + 1;
    try {
      return InetAddress.getByAddress(
          new byte[] {10, (byte) (a >>> 16), (byte) (a >>> 8), (byte) a});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  public Host netHost() {
    return host;
  }

  public InetSocketAddress address() {
    return address;
  }

  public PeerId peerId() {
    return peerId;
  }

  public PieceMemory memory() {
    return memory;
  }

  Cluster cluster() {
    return cluster;
  }

  Map<String, String> announceParams() {
    return announceParams;
  }

  TorrentPolicy policy() {
    return policy;
  }

  SimTracker.Client trackerClient() {
    return trackerClient;
  }

  long nextSequence() {
    return ++sequence;
  }

  /** Seeds {@code metainfo} from now on (a complete copy). */
  public SimTorrent seed(Metainfo metainfo) {
    return add(metainfo, true);
  }

  /** Downloads {@code metainfo}; {@code stream}: a reader follows the download in order. */
  public SimTorrent download(Metainfo metainfo, boolean stream) {
    SimTorrent torrent = add(metainfo, false);
    if (stream) {
      torrent.store().readInOrder();
    }
    return torrent;
  }

  private SimTorrent add(Metainfo metainfo, boolean complete) {
    if (failed) {
      throw new IllegalStateException(this + " has failed");
    }
    SimTorrent existing = torrents.get(metainfo.infoHash());
    if (existing != null) {
      return existing;
    }
    SimTorrent torrent = new SimTorrent(this, metainfo, complete);
    torrents.put(metainfo.infoHash(), torrent);
    everyTorrent.add(torrent);
    torrent.start();
    return torrent;
  }

  /** Stops a torrent: "stopped" to the tracker, every connection closed. */
  public void remove(InfoHash infoHash) {
    SimTorrent torrent = torrents.remove(infoHash);
    if (torrent != null) {
      torrent.core().stop();
    }
  }

  SimTorrent torrent(InfoHash infoHash) {
    return torrents.get(infoHash);
  }

  /** Every torrent this host ever had, removed ones included, in the order added. */
  public List<SimTorrent> torrents() {
    return List.copyOf(everyTorrent);
  }

  /** Payload bytes this host uploaded to peers, over every torrent it ever had. */
  public long uploadedPayload() {
    long sum = 0;
    for (SimTorrent t : everyTorrent) {
      sum += t.core().uploadedBytes();
    }
    return sum;
  }

  /** Payload bytes this host downloaded from peers, duplicates included. */
  public long downloadedPayload() {
    long sum = 0;
    for (SimTorrent t : everyTorrent) {
      sum += t.core().downloadedBytes();
    }
    return sum;
  }

  /** Bytes this host sent over the network. */
  public long bytesSent() {
    return host.bytesSent();
  }

  /** Bytes delivered to this host. */
  public long bytesReceived() {
    return host.bytesReceived();
  }

  /** The host crashes: its connections drop, nothing of it runs any more, it tells nobody. */
  public void fail() {
    if (failed) {
      return;
    }
    failed = true;
    cluster.network().fail(host);
  }

  public boolean isFailed() {
    return failed;
  }

  boolean reserveConnection() {
    if (connections >= maxConnections) {
      return false;
    }
    connections++;
    return true;
  }

  void releaseConnection() {
    connections--;
  }

  /** Dials for {@code torrent}; see {@link Dialer#dial}. */
  boolean dial(SimTorrent torrent, InetSocketAddress target, Dialer.Events events) {
    if (failed) {
      return false;
    }
    SimHost to = cluster.host(target);
    if (to == null || to.failed) {
      cluster
          .loop()
          .schedule(
              () -> {
                if (!failed) {
                  events.failed(new IOException("connect timed out: " + target));
                }
              },
              Cluster.CONNECT_TIMEOUT);
      return true;
    }
    if (!reserveConnection()) {
      return false;
    }
    SimConnection.open(cluster, this, torrent, to, events);
    return true;
  }

  @Override
  public String toString() {
    return "SimHost[" + host.id() + " " + address + "]";
  }
}
