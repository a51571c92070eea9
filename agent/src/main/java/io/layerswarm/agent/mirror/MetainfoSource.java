package io.layerswarm.agent.mirror;

import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.MetainfoAnswer;
import io.layerswarm.registry.RepositoryName;
import java.util.concurrent.CompletableFuture;

/**
 * Where the agent gets a blob's torrent metainfo, and a tiny blob's bytes with it ({@link
 * MetainfoAnswer}). {@link TrackerMetainfoSource} asks the trackers. The result is parsed but not
 * yet checked against the digest; the caller does that.
 */
public interface MetainfoSource {
  /**
   * Fails with {@link MetainfoUnavailableException} when no source has it. Cancelling the future
   * abandons the lookup.
   *
   * @param registryHost the upstream registry host the blob comes from ({@code host[:port]})
   * @param repo the repository the client pulls, because registries scope blobs by repository
   */
  CompletableFuture<MetainfoAnswer> fetch(String registryHost, RepositoryName repo, Digest digest);
}
