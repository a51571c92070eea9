package io.layerswarm.swarm;

import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.core.topology.Location;
import io.layerswarm.core.topology.Location.Tier;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One peer connection of a torrent as {@link Torrent#peers()} found it. Immutable. Byte counts are
 * payload (piece data) of this connection only; rates are smoothed over the torrent's ticks (about
 * one second each), so they are 0 during a connection's first second.
 *
 * @param address the connection's remote end
 * @param peerId the id from the peer's handshake (BEP 3)
 * @param outgoing whether we opened the connection
 * @param progress share of the torrent's pieces the peer has, 0..1, from its bitfield and haves;
 *     empty if unknown: the peer said nothing yet, or we seed and it sends seeds no haves (as
 *     libtorrent and aria2 do), so what it said at the start is stale
 * @param downloadedBytes received from the peer
 * @param uploadedBytes sent to the peer
 * @param downloadBytesPerSecond received from the peer, recently
 * @param uploadBytesPerSecond sent to the peer, recently
 * @param amChoking whether we refuse the peer's requests
 * @param amInterested whether we want pieces the peer has
 * @param peerChoking whether the peer refuses our requests
 * @param peerInterested whether the peer said it wants pieces we have
 * @param location where the peer said it is (BEP 10 extended handshake); unknown if it did not
 * @param tier how near it is to us: same rack, same zone, or other (also while either location is
 *     unknown); nearer peers are asked for pieces first
 */
public record PeerSnapshot(
    InetSocketAddress address,
    PeerId peerId,
    boolean outgoing,
    OptionalDouble progress,
    long downloadedBytes,
    long uploadedBytes,
    long downloadBytesPerSecond,
    long uploadBytesPerSecond,
    boolean amChoking,
    boolean amInterested,
    boolean peerChoking,
    boolean peerInterested,
    Location location,
    Tier tier) {
  public PeerSnapshot {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(peerId, "peerId");
    Objects.requireNonNull(progress, "progress");
    if (progress.isPresent() && !(progress.getAsDouble() >= 0 && progress.getAsDouble() <= 1)) {
      throw new IllegalArgumentException("progress must be in 0..1: " + progress);
    }
    if (downloadedBytes < 0
        || uploadedBytes < 0
        || downloadBytesPerSecond < 0
        || uploadBytesPerSecond < 0) {
      throw new IllegalArgumentException("byte counts and rates must be >= 0");
    }
  }

  /** As the canonical constructor, for a peer of unknown location. */
  public PeerSnapshot(
      InetSocketAddress address,
      PeerId peerId,
      boolean outgoing,
      OptionalDouble progress,
      long downloadedBytes,
      long uploadedBytes,
      long downloadBytesPerSecond,
      long uploadBytesPerSecond,
      boolean amChoking,
      boolean amInterested,
      boolean peerChoking,
      boolean peerInterested) {
    this(
        address,
        peerId,
        outgoing,
        progress,
        downloadedBytes,
        uploadedBytes,
        downloadBytesPerSecond,
        uploadBytesPerSecond,
        amChoking,
        amInterested,
        peerChoking,
        peerInterested,
        Location.UNKNOWN,
        Tier.OTHER);
  }
}
