package io.layerswarm.swarm.peer;

import io.layerswarm.core.metainfo.BlockRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Our requests to one peer: which blocks are outstanding, which we withdrew (their blocks may still
 * arrive), how deep the pipeline is, and whether the peer has gone silent. Decides nothing about
 * which blocks to ask for (the picker does). Pure: time comes in as arguments. Owned by the
 * torrent's loop.
 */
final class RequestPipeline {
  /**
   * Pipeline depth before the peer's rate is known: 1 MiB (64 requests of 16 KiB), enough for a
   * fast start on a LAN.
   */
  static final int INITIAL_REQUEST_BYTES = 1024 * 1024;

  /**
   * Smallest pipeline depth: 64 KiB (4 requests of 16 KiB), above a datacenter link's
   * bandwidth-delay product. A fast peer gets more as soon as its rate is measured; a slow one (a
   * busy uploader shared by many) would otherwise hold blocks that end up asked of others and
   * fetched twice (decisions 19).
   */
  static final int MIN_REQUEST_BYTES = 64 * 1024;

  /**
   * The pipeline is topped up in batches of this (256 KiB, 16 requests of 16 KiB), or of a quarter
   * of its depth if that is less, to keep the picker off the hot path.
   */
  static final int BATCH_BYTES = 256 * 1024;

  /**
   * Keep about this much of a peer's data requested. Deeper queues only park blocks at a slow peer
   * (often the seed everyone asks) that other peers could have delivered.
   */
  static final double QUEUE_SECONDS = 0.5;

  /**
   * Withdrawn requests remembered per peer, so that their blocks, which may already be on the way,
   * are recognised as late rather than unrequested: twice the engine's deepest pipeline (256
   * blocks). A block that turns up after 512 newer withdrawals counts as never requested.
   */
  static final int WITHDRAWN_MEMORY = 512;

  /** A peer that owes us blocks and sends nothing for this long is dropped. */
  static final Duration SNUB_TIMEOUT = Duration.ofSeconds(60);

  /** What an arriving block was to us. */
  enum Arrival {
    /** Outstanding: now answered. */
    REQUESTED,
    /** Withdrawn after the peer had sent it: drop it quietly. */
    LATE,
    /** Never asked of this peer (not with this offset and length). */
    UNREQUESTED
  }

  private final int maxDepth;
  private final int blockSize;
  private final int minDepth;
  private final int batch;
  private int depth;
  private final LinkedHashSet<BlockRef> outstanding = new LinkedHashSet<>();

  /**
   * Requests we withdrew (cancelled, discarded by a choke, rejected), oldest first, at most {@link
   * #WITHDRAWN_MEMORY}.
   */
  private final LinkedHashSet<BlockRef> withdrawn = new LinkedHashSet<>();

  private Instant lastBlockAt;

  /**
   * @param maxDepth the most requests outstanding at once, whatever the rate
   * @param blockSize bytes per request, to turn bytes into a depth (16 KiB on the wire; the
   *     simulator may ask for more at once)
   */
  RequestPipeline(int maxDepth, int blockSize, Instant now) {
    this.maxDepth = maxDepth;
    this.blockSize = blockSize;
    this.minDepth = Math.min(maxDepth, requests(MIN_REQUEST_BYTES));
    this.batch = requests(BATCH_BYTES);
    this.depth = Math.min(requests(INITIAL_REQUEST_BYTES), maxDepth);
    this.lastBlockAt = now;
  }

  /** Requests of {@link #blockSize} that hold {@code bytes}, at least one. */
  private int requests(long bytes) {
    return (int) Math.max(1, bytes / blockSize);
  }

  /**
   * How many blocks to request now: 0 if the pipeline is full, or nearly full while requests are
   * outstanding (it is topped up in batches, not per block, to keep the picker off the hot path).
   */
  int room() {
    int room = depth - outstanding.size();
    if (room <= 0 || (room < Math.min(batch, depth / 4) && !outstanding.isEmpty())) {
      return 0;
    }
    return room;
  }

  /** These blocks were just asked of the peer. */
  void requested(List<BlockRef> blocks, Instant now) {
    if (outstanding.isEmpty()) {
      lastBlockAt = now; // The silence clock starts with the first outstanding request.
    }
    outstanding.addAll(blocks);
  }

  /** A block arrived from the peer: books it and says what it was. */
  Arrival arrived(BlockRef block, Instant now) {
    Arrival arrival;
    if (outstanding.remove(block)) {
      arrival = Arrival.REQUESTED;
    } else if (withdrawn.remove(block)) {
      arrival = Arrival.LATE;
    } else {
      return Arrival.UNREQUESTED;
    }
    lastBlockAt = now;
    return arrival;
  }

  /**
   * Withdraws one outstanding request (cancelled, or rejected by the peer); false if it was not
   * outstanding.
   */
  boolean withdraw(BlockRef block) {
    if (!outstanding.remove(block)) {
      return false;
    }
    remember(block);
    return true;
  }

  /** Withdraws every outstanding request (BEP 3: a choke discards them); returns them. */
  List<BlockRef> withdrawAll() {
    List<BlockRef> all = new ArrayList<>(outstanding);
    outstanding.clear();
    all.forEach(this::remember);
    return all;
  }

  private void remember(BlockRef block) {
    withdrawn.add(block);
    if (withdrawn.size() > WITHDRAWN_MEMORY) {
      withdrawn.remove(withdrawn.iterator().next());
    }
  }

  /** Sets the depth from the rate the peer delivers at: {@link #QUEUE_SECONDS} of its data. */
  void adapt(double bytesPerSecond) {
    int byRate = (int) (bytesPerSecond * QUEUE_SECONDS / blockSize);
    depth = Math.max(minDepth, Math.min(maxDepth, byRate));
  }

  /** Whether the peer owes us blocks and sent none for {@link #SNUB_TIMEOUT}. */
  boolean snubbed(Instant now) {
    return !outstanding.isEmpty() && now.isAfter(lastBlockAt.plus(SNUB_TIMEOUT));
  }

  /** Forgets everything: the connection is gone. */
  void clear() {
    outstanding.clear();
    withdrawn.clear();
  }

  int depth() {
    return depth;
  }

  boolean isEmpty() {
    return outstanding.isEmpty();
  }

  /** The outstanding requests, oldest first; a copy. */
  List<BlockRef> outstanding() {
    return new ArrayList<>(outstanding);
  }
}
