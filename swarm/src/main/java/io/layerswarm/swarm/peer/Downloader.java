package io.layerswarm.swarm.peer;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.PieceIndex;
import io.layerswarm.core.metainfo.TorrentGeometry;
import io.layerswarm.swarm.sched.PiecePicker;
import io.layerswarm.swarm.wire.PeerMessage;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;

/**
 * The download side of one {@link Peer}, the mirror of its {@link Uploader}: our interest in the
 * peer's pieces, whether it chokes us, the pieces it refused or allows while choked, and our
 * requests to it ({@link RequestPipeline}) with the blocks they bring. Owned by the torrent's loop;
 * sends through its peer, which stays the one public face of the connection and owns the record of
 * what the peer has.
 */
final class Downloader {
  private final Peer peer;
  private final Swarm swarm;
  private final boolean fast;
  private final PiecePicker<Peer> picker;
  private final int pieceCount;

  /** Our requests to the peer. */
  private final RequestPipeline requests;

  private final RateMeter rate = new RateMeter();
  private boolean amInterested;
  private boolean peerChoking = true;
  private final BitSet allowedFast = new BitSet();

  /**
   * Pieces the peer refused while unchoked; not asked of it again until it announces them or the
   * next tick (a refusal may also mean a full queue).
   */
  private final BitSet refused = new BitSet();

  private long downloadedBytes;

  Downloader(Peer peer, Swarm swarm, boolean fast, int maxRequestDepth, Instant now) {
    this.peer = peer;
    this.swarm = swarm;
    this.fast = fast;
    this.picker = swarm.picker();
    TorrentGeometry geometry = swarm.geometry();
    this.pieceCount = geometry.pieceCount();
    this.requests =
        new RequestPipeline(
            maxRequestDepth, Math.min(geometry.blockSize(), geometry.pieceLength()), now);
  }

  void onUnchoke() {
    peerChoking = false;
    refill();
  }

  void onChoke() {
    peerChoking = true;
    if (!fast) {
      // BEP 3: a choke discards every pending request. With BEP 6 each gets an explicit reject.
      for (BlockRef block : requests.withdrawAll()) {
        picker.abandoned(peer, block);
      }
    }
  }

  void onReject(BlockRef block) {
    // A reject can also answer a request we cancelled meanwhile; that is not an error.
    if (requests.withdraw(block)) {
      picker.abandoned(peer, block);
      if (!peerChoking) {
        // Refused while unchoked: the peer does not give us this piece now (a seed that offers
        // pieces one by one, a full queue). Ask others for it, until the peer announces it again
        // or a tick passes.
        refused.set(block.piece().value());
        updateInterest();
      }
      refill();
    }
  }

  void onAllowedFast(PieceIndex piece) {
    if (piece.value() < pieceCount) {
      allowedFast.set(piece.value());
      refill();
    }
  }

  /** The peer announced a piece again: it may be asked for it even if it refused it before. */
  void onReoffered(int piece) {
    if (refused.get(piece)) {
      refused.clear(piece);
      updateInterest();
    }
  }

  void onPiece(PeerMessage.Piece piece) {
    int length = piece.data().readableBytes();
    BlockRef block;
    try {
      block = piece.block();
    } catch (IllegalArgumentException e) {
      piece.release();
      peer.close("empty piece message");
      return;
    }
    RequestPipeline.Arrival arrival = requests.arrived(block, swarm.clock().instant());
    if (arrival == RequestPipeline.Arrival.UNREQUESTED) {
      // Never requested (or not with this offset and length): BEP 3 peers send only what was
      // asked for. Dropping it and carrying on would also let a peer that ignores our requests
      // dodge the snub timeout by sending junk, as every block counts as a sign of life.
      piece.release();
      peer.close("piece for a block never requested: " + block);
      return;
    }
    downloadedBytes += length;
    rate.add(length);
    swarm.downloaded(peer, length);
    if (arrival == RequestPipeline.Arrival.LATE) {
      // Late: the request was withdrawn after the peer had sent the block.
      piece.release();
      swarm.wasted(peer, length);
      return;
    }
    PiecePicker.Received<Peer> received = picker.received(peer, block);
    if (received.wanted()) {
      swarm.blockArrived(peer, block, piece.data(), received);
    } else {
      piece.release();
      swarm.wasted(peer, length);
    }
    refill();
  }

  /** See {@link Peer#refill}. */
  void refill() {
    if (peer.isClosed() || !amInterested || !swarm.mayRequest()) {
      return;
    }
    BitSet allowed = null;
    if (peerChoking) {
      if (!fast || allowedFast.isEmpty()) {
        return;
      }
      allowed = allowedFast;
    }
    int room = requests.room();
    if (room == 0) {
      return;
    }
    List<BlockRef> blocks = picker.pick(peer, swarm.requestable(peer, available()), room, allowed);
    requests.requested(blocks, swarm.clock().instant());
    for (BlockRef block : blocks) {
      peer.send(new PeerMessage.Request(block));
    }
  }

  /** See {@link Peer#updateInterest}. */
  void updateInterest() {
    boolean want = !swarm.isComplete() && picker.isInteresting(available());
    if (want != amInterested) {
      amInterested = want;
      peer.send(want ? new PeerMessage.Interested() : new PeerMessage.NotInterested());
    }
    if (want) {
      refill();
    }
  }

  /** See {@link Peer#cancel}. */
  void cancel(BlockRef block) {
    if (!peer.isClosed() && requests.withdraw(block)) {
      peer.send(new PeerMessage.Cancel(block));
    }
  }

  /**
   * Periodic work (see {@link Peer#tick}): adapts the pipeline depth to the rate over the last
   * {@code seconds}, if any passed, and asks again for what the peer refused.
   */
  void tick(double seconds) {
    if (seconds > 0) {
      rate.tick(seconds);
      requests.adapt(rate.rate());
    }
    if (!refused.isEmpty() && !peer.isClosed()) {
      refused.clear();
      updateInterest();
    }
  }

  /** Whether the peer owes us blocks and sent none for {@link RequestPipeline#SNUB_TIMEOUT}. */
  boolean snubbed(Instant now) {
    return requests.snubbed(now);
  }

  /** Whether we neither want the peer's pieces nor wait for any. */
  boolean isIdle() {
    return !amInterested && requests.isEmpty();
  }

  /** The connection closed: forgets our requests (the picker was told by the peer). */
  void clear() {
    requests.clear();
  }

  /** The pieces we may ask the peer for: those it announced and did not refuse. */
  private BitSet available() {
    BitSet has = peer.piecesView();
    if (refused.isEmpty()) {
      return has;
    }
    BitSet available = (BitSet) has.clone();
    available.andNot(refused);
    return available;
  }

  int depth() {
    return requests.depth();
  }

  double rate() {
    return rate.rate();
  }

  boolean amInterested() {
    return amInterested;
  }

  boolean peerChoking() {
    return peerChoking;
  }

  List<BlockRef> outstanding() {
    return requests.outstanding();
  }

  long downloadedBytes() {
    return downloadedBytes;
  }
}
