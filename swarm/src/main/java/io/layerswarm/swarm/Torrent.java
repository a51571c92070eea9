package io.layerswarm.swarm;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.Metainfo;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** One torrent in a {@link SwarmEngine}: a seed, or a download that becomes a seed. Thread-safe. */
public interface Torrent {
  InfoHash infoHash();

  Metainfo metainfo();

  /**
   * Completes with the final file once every piece is verified and the file has been renamed into
   * place; completes exceptionally if the torrent is removed or storage fails first.
   */
  CompletableFuture<Path> completion();

  /** Bytes of verified pieces held. */
  long verifiedBytes();

  boolean isComplete();

  int connectedPeers();

  /** Piece payload sent to peers. */
  long uploadedBytes();

  /** Piece payload received from peers that the download needed; see {@link Traffic}. */
  long downloadedBytes();

  /**
   * Piece payload received from peers that the download did not need: a block that arrived twice in
   * the endgame, or after its request was withdrawn.
   */
  long duplicateBytes();

  /**
   * The open peer connections, oldest first, read on the torrent's event loop: completes once the
   * loop gets to it (at once unless it is busy), with an empty list once the torrent is removed or
   * the engine closed. Never blocks; callers off the loop wait with a timeout.
   */
  CompletableFuture<List<PeerSnapshot>> peers();

  /**
   * A stream of the blob's bytes in order, from {@code offset}, that blocks until the next piece is
   * verified. Only verified bytes are returned. Closing it does not stop the torrent.
   */
  InputStream openStream(long offset);

  /**
   * The outcome of the first "started" announce: true once a tracker accepted it, so it lists this
   * peer to others; false if every tracker failed it (the torrent keeps retrying), without
   * trackers, or once removed. Never fails. A seed that hands out metainfo waits for it, so the
   * first leecher's announce finds the seed.
   */
  default CompletableFuture<Boolean> announced() {
    return CompletableFuture.completedFuture(false);
  }

  /**
   * Completes with why once a whole round of announces failed with every tracker saying it cannot
   * serve (see {@link io.layerswarm.swarm.tracker.Announcer#trackersDown()}) before any accepted
   * one; with empty once one accepted, or once removed. Never fails.
   */
  default CompletableFuture<Optional<String>> trackersDown() {
    return CompletableFuture.completedFuture(Optional.empty());
  }

  /** Connect to these peers directly, in addition to those the trackers return. */
  void addPeers(Collection<InetSocketAddress> peers);
}
