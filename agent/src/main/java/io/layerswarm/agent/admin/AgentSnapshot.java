package io.layerswarm.agent.admin;

import io.layerswarm.agent.mirror.TransferProgress;
import io.layerswarm.swarm.Traffic;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the admin API reports about the agent besides its torrents.
 *
 * @param version the agent's version, e.g. 0.1.0
 * @param uptime time since the agent started, from its own clock
 * @param cacheBytes bytes of verified blobs in the store
 * @param cachedBlobs number of verified blobs in the store
 * @param transfers downloads in progress
 * @param bytesFromSwarm bytes of swarm downloads that completed since start
 * @param bytesFromOrigin bytes copied from upstream registries since start
 * @param peerTraffic piece payload moved over the peer wire since start, exact
 * @param listen the bound registry API address
 * @param peerListen the bound BitTorrent address
 */
public record AgentSnapshot(
    String version,
    Duration uptime,
    long cacheBytes,
    long cachedBlobs,
    List<TransferProgress> transfers,
    long bytesFromSwarm,
    long bytesFromOrigin,
    Traffic peerTraffic,
    InetSocketAddress listen,
    InetSocketAddress peerListen) {
  public AgentSnapshot {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(uptime, "uptime");
    transfers = List.copyOf(transfers);
    Objects.requireNonNull(peerTraffic, "peerTraffic");
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(peerListen, "peerListen");
  }
}
