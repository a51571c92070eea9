package io.layerswarm.swarm.peer;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.TorrentGeometry;
import io.layerswarm.swarm.wire.PeerMessage;
import java.time.Instant;

/**
 * The upload side of one {@link Peer}: whether we choke it, whether it wants our pieces, and its
 * requests to us, which are checked, queued ({@link UploadQueue}), refused or sent in order. A peer
 * that keeps asking while refused is banned ({@link Peer#MAX_REFUSED_IN_A_ROW}). Owned by the
 * torrent's loop; sends through its peer, which stays the one public face of the connection.
 */
final class Uploader {
  /** The largest block we serve; BEP 3 notes clients drop peers asking for more than 16 KiB. */
  static final int MAX_REQUEST_LENGTH = 128 * 1024;

  private final Peer peer;
  private final PeerLink link;
  private final Swarm swarm;
  private final boolean fast;
  private final TorrentGeometry geometry;
  private final int maxRequestLength;

  /** The peer's requests to us. */
  private final UploadQueue uploads = new UploadQueue();

  private final RateMeter rate = new RateMeter();
  private boolean amChoking = true;
  private boolean peerInterested;

  /** Whether the peer has said interested or not interested yet. */
  private boolean interestDeclared;

  private Instant chokeStateSince;

  /**
   * While we unchoke the peer: when it last had something to get from us (the unchoke, a request
   * queued, a block sent).
   */
  private Instant busyAt;

  /** Whether {@link #serve} is on the stack (a write callback may call it again). */
  private boolean serving;

  private long uploadedBytes;

  /** Requests refused since the last one we accepted. */
  private int refusedInARow;

  Uploader(Peer peer, PeerLink link, Swarm swarm, boolean fast, Instant now) {
    this.peer = peer;
    this.link = link;
    this.swarm = swarm;
    this.fast = fast;
    this.geometry = swarm.geometry();
    this.maxRequestLength = Math.max(MAX_REQUEST_LENGTH, geometry.blockSize());
    this.chokeStateSince = now;
    this.busyAt = now;
  }

  void onInterested() {
    interestDeclared = true;
    if (!peerInterested) {
      peerInterested = true;
      swarm.interestChanged(peer);
    }
  }

  void onNotInterested() {
    boolean wasAssumed = !interestDeclared && swarm.isComplete();
    interestDeclared = true;
    if (peerInterested || wasAssumed) {
      peerInterested = false;
      swarm.interestChanged(peer);
    }
  }

  void onRequest(BlockRef block) {
    if (!geometry.contains(block) || block.length() > maxRequestLength) {
      peer.close("invalid request " + block);
      return;
    }
    if (amChoking || !swarm.mayUpload(peer, block.piece())) {
      refuse(block);
      return;
    }
    if (!uploads.offer(block)) {
      peer.ban("more than " + UploadQueue.MAX_UPLOAD_QUEUE + " requests queued");
      return;
    }
    refusedInARow = 0;
    busyAt = swarm.clock().instant();
    swarm.uploadQueued(peer, block);
    serve();
  }

  void onCancel(BlockRef block) {
    if (uploads.cancel(block) && fast) {
      // BEP 6: a cancelled request is answered with a reject if the piece is not sent.
      peer.send(new PeerMessage.RejectRequest(block));
    }
  }

  /**
   * Refuses a request: BEP 6 answers every refused request with a reject, BEP 3 drops it. A peer
   * that keeps asking although it is refused (choked, or for pieces we do not have) is banned, so
   * that its requests cannot make us queue rejects without end.
   */
  private void refuse(BlockRef block) {
    if (++refusedInARow > Peer.MAX_REFUSED_IN_A_ROW) {
      peer.ban("more than " + Peer.MAX_REFUSED_IN_A_ROW + " refused requests in a row");
      return;
    }
    if (fast) {
      peer.send(new PeerMessage.RejectRequest(block));
    }
  }

  private void serve() {
    if (serving) {
      return; // A write callback inside the loop below; the loop goes on.
    }
    serving = true;
    try {
      BlockRef block;
      while (!peer.isClosed() && (block = uploads.next()) != null) {
        BlockRef sending = block;
        peer.sendBlock(
            sending,
            ok -> {
              uploads.written(sending);
              busyAt = swarm.clock().instant();
              if (ok) {
                uploadedBytes += sending.length();
                rate.add(sending.length());
                swarm.uploaded(peer, sending);
              }
              if (!peer.isClosed() && !uploads.isEmpty()) {
                serve();
                link.flush();
              }
            });
      }
    } finally {
      serving = false;
    }
  }

  /** Chokes or unchokes the peer; a choke drops its queued requests (rejected with BEP 6). */
  void setChoking(boolean choke) {
    if (choke == amChoking) {
      return;
    }
    amChoking = choke;
    chokeStateSince = swarm.clock().instant();
    busyAt = chokeStateSince;
    if (choke) {
      peer.send(new PeerMessage.Choke());
      for (BlockRef block : uploads.clear()) {
        if (fast) {
          peer.send(new PeerMessage.RejectRequest(block));
        }
      }
    } else {
      peer.send(new PeerMessage.Unchoke());
    }
  }

  /** Folds the last {@code seconds} into the upload rate. */
  void tick(double seconds) {
    rate.tick(seconds);
  }

  /** The connection closed: drops the queued requests. */
  void clear() {
    uploads.clear();
  }

  /**
   * Whether we unchoke the peer but it asked us for nothing since {@code cutoff}: nothing queued or
   * in flight now, no request queued or block sent after it, and unchoked at or before it.
   */
  boolean unchokedIdleSince(Instant cutoff) {
    return !amChoking && uploads.isIdle() && !busyAt.isAfter(cutoff);
  }

  boolean hasQueued() {
    return !uploads.isEmpty();
  }

  /** See {@link Peer#wantsOurPieces}. */
  boolean wantsOurPieces() {
    return peerInterested || (!interestDeclared && swarm.isComplete());
  }

  boolean peerInterested() {
    return peerInterested;
  }

  boolean amChoking() {
    return amChoking;
  }

  Instant chokeStateSince() {
    return chokeStateSince;
  }

  double rate() {
    return rate.rate();
  }

  long uploadedBytes() {
    return uploadedBytes;
  }
}
