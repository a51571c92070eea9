package io.layerswarm.swarm.peer;

import io.layerswarm.core.metainfo.BlockRef;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The peer's requests to us that we accepted and have not sent yet, and the bytes sent to the
 * socket but not yet written out. Both are bounded, so a peer cannot make us queue without limit.
 * Owned by the torrent's loop.
 */
final class UploadQueue {
  /** Requests of a peer we hold before refusing more. */
  static final int MAX_UPLOAD_QUEUE = 2048;

  /** Bytes of uploads written to the socket but not yet sent, per peer. */
  static final long MAX_UPLOAD_IN_FLIGHT = 2 * 1024 * 1024;

  private final ArrayDeque<BlockRef> queued = new ArrayDeque<>();
  private long inFlight;

  /** Queues a request; false if the queue is full (the request is refused). */
  boolean offer(BlockRef block) {
    if (queued.size() >= MAX_UPLOAD_QUEUE) {
      return false;
    }
    queued.add(block);
    return true;
  }

  /** Removes a queued request the peer cancelled; false if it was not queued (sent already). */
  boolean cancel(BlockRef block) {
    return queued.remove(block);
  }

  /**
   * The next block to send, counted as in flight, or null if none is queued or {@link
   * #MAX_UPLOAD_IN_FLIGHT} bytes are in flight already.
   */
  BlockRef next() {
    if (queued.isEmpty() || inFlight >= MAX_UPLOAD_IN_FLIGHT) {
      return null;
    }
    BlockRef block = queued.poll();
    inFlight += block.length();
    return block;
  }

  /** A block from {@link #next} left the socket, or failed to. */
  void written(BlockRef block) {
    inFlight -= block.length();
  }

  /** Drops every queued request (we choked the peer); returns them, oldest first. */
  List<BlockRef> clear() {
    List<BlockRef> dropped = new ArrayList<>(queued);
    queued.clear();
    return dropped;
  }

  boolean isEmpty() {
    return queued.isEmpty();
  }

  /** Whether nothing is queued and nothing is in flight. */
  boolean isIdle() {
    return queued.isEmpty() && inFlight == 0;
  }
}
