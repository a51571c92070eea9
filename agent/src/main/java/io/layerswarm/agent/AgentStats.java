package io.layerswarm.agent;

import io.layerswarm.agent.mirror.TransferProgress;
import java.util.List;

/**
 * A snapshot of what the agent holds and moves.
 *
 * @param cacheBytes bytes of verified blobs in the store
 * @param cachedBlobs number of verified blobs in the store
 * @param transfers downloads in progress, with their verified bytes
 * @param bytesFromSwarm bytes peers delivered to this agent since start
 * @param bytesFromOrigin bytes copied from upstream registries because the swarm failed, since
 *     start
 */
public record AgentStats(
    long cacheBytes,
    long cachedBlobs,
    List<TransferProgress> transfers,
    long bytesFromSwarm,
    long bytesFromOrigin) {
  public AgentStats {
    transfers = List.copyOf(transfers);
  }
}
