package io.layerswarm.swarm.sched;

import io.layerswarm.swarm.metainfo.BlockRef;
import io.layerswarm.swarm.metainfo.PieceIndex;
import io.layerswarm.swarm.metainfo.TorrentGeometry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * Picks in this order:
 *
 * <ol>
 *   <li>while someone reads a stream, the streaming window: the next {@code windowPieces}
 *       missing pieces from the reader's position, in order, so the reader waits as little as
 *       possible
 *       (pieces another peer started are left to it here);
 *   <li>pieces this peer already started (finish pieces before starting new ones);
 *   <li>blocks whose request to another peer timed out, so that a stuck peer delays its blocks by
 *       the request timeout at most, not until the endgame;
 *   <li>new pieces, rarest first (BEP 3 "rarest first"), ties broken from a random start so peers
 *       spread out;
 *   <li>free blocks of pieces other peers started;
 *   <li>endgame: once no block is free, blocks already requested from others (at most two
 *       requesters a block).
 * </ol>
 *
 * <p>A piece belongs to the peer that first requested it, and other peers only join it at steps 3,
 * 5 and 6. So most pieces come from one peer, and a failed hash check names its sender. A piece
 * that failed goes on parole: only one peer may fetch it.
 *
 * <p>Owned by the torrent's event loop: not thread-safe. Times come from the injected clock.
 */
public final class StreamingRarestFirstPicker<P> implements PiecePicker<P> {
  private static final byte FREE = 0;
  private static final byte REQUESTED = 1;
  private static final byte RECEIVED = 2;
  /** In endgame, a block is asked of at most this many peers at once. */
  private static final int ENDGAME_REQUESTERS = 2;

  private final TorrentGeometry geometry;
  private final InstantSource clock;
  private final long requestTimeoutMillis;
  private final int windowPieces;
  private final RandomGenerator random;
  private final BitSet have;
  private final int[] availability;
  /** Pieces with at least one requested or received block, or on parole; by index. */
  private final Map<Integer, Progress<P>> active = new TreeMap<>();
  private long readerPosition = -1;
  /** Blocks of missing pieces that are neither requested nor received. */
  private long freeBlocks;

  /**
   * @param have pieces already verified
   * @param windowPieces length of the in-order streaming window, in pieces ({@code >= 0})
   * @param requestTimeout after this long another peer may be asked for a requested block
   */
  public StreamingRarestFirstPicker(TorrentGeometry geometry, BitSet have, int windowPieces,
      Duration requestTimeout, InstantSource clock, RandomGenerator random) {
    if (windowPieces < 0) {
      throw new IllegalArgumentException("window must be >= 0: " + windowPieces);
    }
    this.geometry = geometry;
    this.clock = clock;
    this.requestTimeoutMillis = requestTimeout.toMillis();
    this.windowPieces = windowPieces;
    this.random = random;
    int n = geometry.pieceCount();
    this.have = (BitSet) have.clone();
    this.have.clear(n, Math.max(n, this.have.length()));
    this.availability = new int[n];
    for (int i = this.have.nextClearBit(0); i < n; i = this.have.nextClearBit(i + 1)) {
      freeBlocks += geometry.blockCount(i);
    }
  }

  @Override
  public void addAvailability(BitSet pieces) {
    for (int i = pieces.nextSetBit(0); i >= 0 && i < availability.length;
        i = pieces.nextSetBit(i + 1)) {
      availability[i]++;
    }
  }

  @Override
  public void addAvailability(PieceIndex piece) {
    if (piece.value() < availability.length) {
      availability[piece.value()]++;
    }
  }

  @Override
  public void removeAvailability(BitSet pieces) {
    for (int i = pieces.nextSetBit(0); i >= 0 && i < availability.length;
        i = pieces.nextSetBit(i + 1)) {
      if (availability[i] > 0) {
        availability[i]--;
      }
    }
  }

  @Override
  public void setReaderPosition(long offset) {
    this.readerPosition = offset < geometry.length() ? offset : -1;
  }

  @Override
  public List<BlockRef> pick(P peer, BitSet peerHas, int max, BitSet allowed) {
    List<BlockRef> out = new ArrayList<>(Math.max(0, Math.min(max, 256)));
    if (max <= 0 || isComplete()) {
      return out;
    }
    long now = clock.millis();
    int n = geometry.pieceCount();

    // 1. The streaming window: the next windowPieces missing pieces from the reader, in order.
    // Without a reader there is no window, so leechers spread out and trade (rarest first).
    int window = readerPosition < 0 ? 0 : windowPieces;
    int i = have.nextClearBit(readerPosition < 0 ? 0 : geometry.pieceAt(readerPosition));
    for (int seen = 0; seen < window && i < n && out.size() < max;
        seen++, i = have.nextClearBit(i + 1)) {
      Progress<P> p = active.get(i);
      boolean mine = p == null || (!p.hashing && (p.owner == null || p.owner.equals(peer)));
      if (mine && mayPick(i, peerHas, allowed)) {
        take(i, peer, out, max, now, Take.FREE);
      }
    }
    // 2. Pieces this peer owns or nobody owns.
    if (out.size() < max) {
      for (Progress<P> p : active.values()) {
        if (out.size() >= max) {
          break;
        }
        if (!p.hashing && (p.owner == null || p.owner.equals(peer))
            && mayPick(p.piece, peerHas, allowed)) {
          take(p.piece, peer, out, max, now, Take.FREE);
        }
      }
    }
    // 3. Blocks whose request timed out at another peer. Before new pieces: that peer may be
    // stuck (it is dropped only after the snub timeout), and a reader may be waiting for exactly
    // this piece; left for last they would wait for the endgame. The first copy to arrive wins
    // and the other requester gets a cancel.
    if (out.size() < max) {
      takeRequested(peer, peerHas, allowed, out, max, now, Take.TIMED_OUT);
    }
    // 4. New pieces, rarest first.
    if (out.size() < max) {
      pickNewPieces(peer, peerHas, allowed, out, max, now);
    }
    // 5. Join pieces other peers own (not those on parole).
    if (out.size() < max) {
      for (Progress<P> p : active.values()) {
        if (out.size() >= max) {
          break;
        }
        if (!p.hashing && !p.parole && mayPick(p.piece, peerHas, allowed)) {
          take(p.piece, peer, out, max, now, Take.FREE);
        }
      }
    }
    // 6. Endgame: ask for blocks already requested from someone else.
    if (out.size() < max) {
      takeRequested(peer, peerHas, allowed, out, max, now, Take.DUPLICATE);
    }
    return out;
  }

  /** Steps 3 and 6: blocks requested from others, of pieces this peer may share. */
  private void takeRequested(P peer, BitSet peerHas, BitSet allowed, List<BlockRef> out, int max,
      long now, Take how) {
    for (Progress<P> p : active.values()) {
      if (out.size() >= max) {
        break;
      }
      if (!p.hashing && mayPick(p.piece, peerHas, allowed)
          && (!p.parole || p.owner == null || p.owner.equals(peer))) {
        take(p.piece, peer, out, max, now, how);
      }
    }
  }

  private boolean mayPick(int piece, BitSet peerHas, BitSet allowed) {
    return !have.get(piece) && peerHas.get(piece) && (allowed == null || allowed.get(piece));
  }

  private void pickNewPieces(P peer, BitSet peerHas, BitSet allowed, List<BlockRef> out, int max,
      long now) {
    int n = geometry.pieceCount();
    int count = 0;
    long[] keys = new long[Math.min(n, 1024)];
    int rotation = n == 0 ? 0 : random.nextInt(n);
    for (int i = have.nextClearBit(0); i < n; i = have.nextClearBit(i + 1)) {
      if (!active.containsKey(i) && mayPick(i, peerHas, allowed)) {
        if (count == keys.length) {
          keys = Arrays.copyOf(keys, Math.min(n, keys.length * 2));
        }
        // Sort key: availability, then a rotated index (random tie-break), then the index itself.
        int rotated = Math.floorMod(i - rotation, n);
        keys[count++] = ((long) availability[i] << 32) | rotated;
      }
    }
    Arrays.sort(keys, 0, count);
    for (int k = 0; k < count && out.size() < max; k++) {
      int rotated = (int) (keys[k] & 0xffffffffL);
      int piece = (rotated + rotation) % n;
      take(piece, peer, out, max, now, Take.FREE);
    }
  }

  /** Which blocks of a piece {@link #take} may request. */
  private enum Take {
    /** Blocks nobody requested. */
    FREE,
    /** Blocks requested from others whose request timed out. */
    TIMED_OUT,
    /** Blocks requested from others that timed out, or in endgame any with a requester slot. */
    DUPLICATE
  }

  /** Requests the blocks of {@code piece} that {@code how} allows. */
  private void take(int piece, P peer, List<BlockRef> out, int max, long now, Take how) {
    Progress<P> p = active.get(piece);
    if (p == null) {
      p = new Progress<>(piece, geometry.blockCount(piece));
      active.put(piece, p);
    }
    boolean endgame = how == Take.DUPLICATE && isEndgame();
    for (int b = 0; b < p.blocks && out.size() < max; b++) {
      if (how == Take.FREE) {
        if (p.state[b] != FREE) {
          continue;
        }
        p.state[b] = REQUESTED;
        freeBlocks--;
      } else {
        if (p.state[b] != REQUESTED || p.requesters(b).contains(peer)) {
          continue;
        }
        // requestedAt is reset when a requester joins, so a block that timed out is asked of one
        // more peer per timeout, not of every peer at once.
        boolean timedOut = now - p.requestedAt[b] >= requestTimeoutMillis;
        if (!timedOut && !(endgame && p.requesters(b).size() < ENDGAME_REQUESTERS)) {
          continue;
        }
      }
      p.requesters(b).add(peer);
      p.requestedAt[b] = now;
      if (p.owner == null) {
        p.owner = peer;
      }
      out.add(geometry.block(piece, b));
    }
  }

  @Override
  public Received<P> received(P peer, BlockRef block) {
    int piece = block.piece().value();
    Progress<P> p = active.get(piece);
    if (p == null || p.hashing || block.offset() % TorrentGeometry.BLOCK_SIZE != 0) {
      return Received.unwanted();
    }
    int b = block.offset() / TorrentGeometry.BLOCK_SIZE;
    if (b >= p.blocks || !geometry.block(piece, b).equals(block)
        || p.state[b] != REQUESTED || !p.requesters(b).remove(peer)) {
      return Received.unwanted();
    }
    List<P> cancel = new ArrayList<>(p.requesters(b));
    p.requesters[b] = null;
    p.state[b] = RECEIVED;
    p.received++;
    p.contributors.add(peer);
    boolean complete = p.received == p.blocks;
    if (complete) {
      p.hashing = true;
    }
    return new Received<>(true, complete, cancel);
  }

  @Override
  public void abandoned(P peer, BlockRef block) {
    int piece = block.piece().value();
    Progress<P> p = active.get(piece);
    if (p == null || block.offset() % TorrentGeometry.BLOCK_SIZE != 0) {
      return;
    }
    int b = block.offset() / TorrentGeometry.BLOCK_SIZE;
    if (b < p.blocks && p.state[b] == REQUESTED && p.requesters(b).remove(peer)) {
      release(p, b);
      dropIfIdle(p);
    }
  }

  @Override
  public void peerGone(P peer) {
    List<Progress<P>> idle = new ArrayList<>();
    for (Progress<P> p : active.values()) {
      for (int b = 0; b < p.blocks; b++) {
        if (p.state[b] == REQUESTED && p.requesters(b).remove(peer)) {
          release(p, b);
        }
      }
      if (peer.equals(p.owner)) {
        p.owner = null;
      }
      idle.add(p);
    }
    idle.forEach(this::dropIfIdle);
  }

  private void release(Progress<P> p, int b) {
    if (p.requesters(b).isEmpty()) {
      p.state[b] = FREE;
      p.requesters[b] = null;
      freeBlocks++;
    }
  }

  /** Forgets a piece nobody is fetching, so it no longer has an owner. */
  private void dropIfIdle(Progress<P> p) {
    if (p.parole || p.received > 0 || p.hashing) {
      return;
    }
    for (byte s : p.state) {
      if (s != FREE) {
        return;
      }
    }
    active.remove(p.piece);
  }

  @Override
  public Set<P> pieceFailed(PieceIndex piece) {
    Progress<P> p = active.get(piece.value());
    if (p == null) {
      return Set.of();
    }
    Set<P> contributors = new LinkedHashSet<>(p.contributors);
    for (int b = 0; b < p.blocks; b++) {
      if (p.state[b] != FREE) {
        p.state[b] = FREE;
        p.requesters[b] = null;
        freeBlocks++;
      }
    }
    p.received = 0;
    p.hashing = false;
    p.owner = null;
    p.parole = true;
    p.contributors.clear();
    return contributors;
  }

  @Override
  public void pieceVerified(PieceIndex piece) {
    int i = piece.value();
    if (i >= geometry.pieceCount() || have.get(i)) {
      return;
    }
    Progress<P> p = active.remove(i);
    if (p == null) {
      freeBlocks -= geometry.blockCount(i);
    } else {
      for (byte s : p.state) {
        if (s == FREE) {
          freeBlocks--;
        }
      }
    }
    have.set(i);
  }

  @Override
  public boolean isInteresting(BitSet peerHas) {
    int n = geometry.pieceCount();
    for (int i = have.nextClearBit(0); i < n; i = have.nextClearBit(i + 1)) {
      if (peerHas.get(i)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean isComplete() {
    return have.cardinality() == geometry.pieceCount();
  }

  @Override
  public boolean isEndgame() {
    return freeBlocks == 0 && !isComplete();
  }

  /** Verified pieces; a copy. */
  public BitSet have() {
    return (BitSet) have.clone();
  }

  /** Test view: the peer a piece belongs to, or null. */
  P owner(int piece) {
    Progress<P> p = active.get(piece);
    return p == null ? null : p.owner;
  }

  /** Book-keeping of one piece being fetched. */
  private static final class Progress<P> {
    final int piece;
    final int blocks;
    final byte[] state;
    final List<P>[] requesters;
    final long[] requestedAt;
    final Set<P> contributors = new LinkedHashSet<>();
    int received;
    P owner;
    boolean parole;
    boolean hashing;

    @SuppressWarnings({"unchecked", "rawtypes"})
    Progress(int piece, int blocks) {
      this.piece = piece;
      this.blocks = blocks;
      this.state = new byte[blocks];
      this.requesters = new List[blocks];
      this.requestedAt = new long[blocks];
    }

    List<P> requesters(int b) {
      if (requesters[b] == null) {
        requesters[b] = new ArrayList<>(2);
      }
      return requesters[b];
    }
  }
}
