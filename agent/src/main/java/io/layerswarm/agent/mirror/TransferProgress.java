package io.layerswarm.agent.mirror;

import io.layerswarm.core.Digest;
import java.util.OptionalLong;

/**
 * A snapshot of one blob download in progress.
 *
 * @param phase what the transfer is doing now
 * @param verifiedBytes bytes held that are known good: verified pieces from the swarm, or bytes
 *     copied from the origin (those are verified as a whole at the end)
 * @param totalBytes the blob size once known (from the metainfo or the origin response)
 */
public record TransferProgress(
    Digest digest, Phase phase, long verifiedBytes, OptionalLong totalBytes) {

  /** Where the bytes of a transfer come from at the moment. */
  public enum Phase {
    /** asking the trackers for the blob's metainfo */
    METAINFO,
    /** downloading from peers */
    SWARM,
    /** checking the finished download and moving it into the store */
    VERIFYING,
    /** copying from the upstream (origin) registry after the swarm failed */
    ORIGIN
  }
}
