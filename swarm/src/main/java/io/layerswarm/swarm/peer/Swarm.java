package io.layerswarm.swarm.peer;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.core.metainfo.PieceIndex;
import io.layerswarm.core.metainfo.TorrentGeometry;
import io.layerswarm.core.topology.Location;
import io.layerswarm.swarm.sched.PiecePicker;
import io.layerswarm.swarm.wire.Handshake;
import io.netty.buffer.ByteBuf;
import java.time.InstantSource;
import java.util.BitSet;

/**
 * A torrent as its peers see it. Every method except {@link #execute} and {@link #attach}'s caller
 * hop is called on the torrent's event loop, which owns the picker and all peers.
 */
public interface Swarm {
  /** Runs {@code task} on the torrent's event loop (now, if already on it). */
  void execute(Runnable task);

  PeerId localPeerId();

  /** The torrent's metainfo; peers name the torrent in their log events by it. */
  Metainfo metainfo();

  TorrentGeometry geometry();

  PiecePicker<Peer> picker();

  /** A copy of the pieces we have verified. */
  BitSet verified();

  /**
   * Whether we send {@code peer} the blocks of {@code piece} it asks for: we verified it, and (when
   * we offer pieces one by one) we offered it to that peer.
   */
  boolean mayUpload(Peer peer, PieceIndex piece);

  InstantSource clock();

  /** Whether every piece is verified (we are a seed). */
  boolean isComplete();

  /**
   * Whether peers may send requests now; false once the torrent stopped. (Memory for pieces is
   * bounded by the picker's budget, which also holds requests back while the disk falls behind.)
   */
  boolean mayRequest();

  /**
   * A connection finished its handshake. Returns the new peer, or null to refuse it (the caller
   * closes the link).
   */
  Peer attach(PeerLink link, Handshake handshake, boolean outgoing);

  /** A wanted block arrived from {@code from}; takes ownership of {@code data}. */
  void blockArrived(Peer from, BlockRef block, ByteBuf data, PiecePicker.Received<Peer> received);

  /**
   * Whether we seed by offering pieces one by one ({@code SuperSeeder}) rather than announcing all
   * we have: a new peer is then told we have none, and offers follow as HAVE messages.
   */
  boolean offersPieces();

  /** The peer announced a piece it did not have before. */
  void peerHas(Peer peer, PieceIndex piece);

  /** The peer's interest in our pieces changed, so the choker should run. */
  void interestChanged(Peer peer);

  /** Payload bytes received from a peer. */
  void downloaded(Peer peer, int bytes);

  /**
   * Payload bytes received from a peer that were not needed: a copy of a block that arrived first
   * from another peer, or a block whose request had been withdrawn. Counted in {@link #downloaded}
   * too.
   */
  void wasted(Peer peer, int bytes);

  /** The peer asked for a block we will send (its request was accepted). */
  void uploadQueued(Peer peer, BlockRef block);

  /** A block was sent to a peer (its payload bytes count as uploaded). */
  void uploaded(Peer peer, BlockRef block);

  /** The peer's connection closed; it has already given back its requests. */
  void peerClosed(Peer peer);

  /** Where we are (zone, rack), as peers learn it from our extended handshake. */
  default Location location() {
    return Location.UNKNOWN;
  }

  /**
   * The pieces to ask {@code peer} for, out of {@code available} (its pieces it did not refuse):
   * nearer peers first ({@link io.layerswarm.swarm.sched.NearFirst}). Returns {@code available}
   * itself when nothing is held back.
   */
  default BitSet requestable(Peer peer, BitSet available) {
    return available;
  }
}
