package io.layerswarm.swarm.sched;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.PieceIndex;
import io.layerswarm.core.metainfo.TorrentGeometry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
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
 *   <li>while someone reads a stream, the piece the reader waits for (the first missing piece at or
 *       after its position): all of its free blocks, whoever started it, and its blocks that
 *       another peer was asked for more than {@link #URGENT_TIMEOUT} ago (at most two requesters a
 *       block, the first copy wins), so that a slow or stuck peer does not hold up the reader;
 *   <li>while someone reads a stream, the rest of the streaming window: the next {@code
 *       windowPieces} missing pieces from the reader's position, rarest first, ties from a random
 *       start (pieces another peer started are left to it here);
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
 * <p>A piece belongs to the peer that first requested it, and other peers only join it at steps 1,
 * 4, 6 and 7. So most pieces come from one peer, and a failed hash check names its sender. A piece
 * that failed goes on parole: only one peer may fetch it (also at step 1).
 *
 * <p>A {@link PieceBudget} may bound how many pieces are in progress at once: a new piece is only
 * started if the budget allows it (the owner holds memory for each piece in progress).
 *
 * <p>Owned by the torrent's event loop: not thread-safe. Times come from the injected clock.
 */
public final class StreamingRarestFirstPicker<P> implements PiecePicker<P> {
  private static final byte FREE = 0;
  private static final byte REQUESTED = 1;
  private static final byte RECEIVED = 2;

  /** In endgame, a block is asked of at most this many peers at once. */
  private static final int ENDGAME_REQUESTERS = 2;

  /**
   * A block of the piece a reader waits for that another peer has not delivered within this is
   * asked of a second peer (at most the request timeout). Twice the time a request is meant to wait
   * in a peer's queue (half a second of its rate, {@code RequestPipeline}): sooner, on slow shared
   * links, most re-asked blocks were on their way and came twice (decisions 19).
   */
  static final Duration URGENT_TIMEOUT = Duration.ofSeconds(1);

  private final TorrentGeometry geometry;
  private final InstantSource clock;
  private final long requestTimeoutMillis;
  private final long urgentTimeoutMillis;
  private final int windowPieces;
  private final RandomGenerator random;
  private final BitSet have;

  /** The complement of {@link #have} below the piece count, for a word-wise interest test. */
  private final BitSet missing;

  private final int[] availability;

  /** Pieces with at least one requested or received block, or on parole; by index. */
  private final Map<Integer, Progress<P>> active = new TreeMap<>();

  /** The same, as an array for lookups without boxing. */
  private final Progress<P>[] progress;

  private PieceBudget budget = PieceBudget.UNBOUNDED;

  /** Step 2's candidates, reused: picks run often, on one loop. */
  private final int[] windowScratch;

  private long readerPosition = -1;

  /** Blocks of missing pieces that are neither requested nor received. */
  private long freeBlocks;

  /**
   * @param have pieces already verified
   * @param windowPieces length of the streaming window, in pieces ({@code >= 0})
   * @param requestTimeout after this long another peer may be asked for a requested block
   */
  public StreamingRarestFirstPicker(
      TorrentGeometry geometry,
      BitSet have,
      int windowPieces,
      Duration requestTimeout,
      InstantSource clock,
      RandomGenerator random) {
    if (windowPieces < 0) {
      throw new IllegalArgumentException("window must be >= 0: " + windowPieces);
    }
    this.geometry = geometry;
    this.clock = clock;
    this.requestTimeoutMillis = requestTimeout.toMillis();
    this.urgentTimeoutMillis = Math.min(requestTimeoutMillis, URGENT_TIMEOUT.toMillis());
    this.windowPieces = windowPieces;
    this.windowScratch = new int[Math.max(0, Math.min(windowPieces, geometry.pieceCount()))];
    this.random = random;
    int n = geometry.pieceCount();
    this.have = (BitSet) have.clone();
    this.have.clear(n, Math.max(n, this.have.length()));
    this.missing = new BitSet(n);
    missing.set(0, n);
    missing.andNot(this.have);
    this.availability = new int[n];
    @SuppressWarnings({"unchecked", "rawtypes"})
    Progress<P>[] byIndex = new Progress[n];
    this.progress = byIndex;
    for (int i = this.have.nextClearBit(0); i < n; i = this.have.nextClearBit(i + 1)) {
      freeBlocks += geometry.blockCount(i);
    }
  }

  /** Bounds the pieces in progress from now on; see {@link PieceBudget}. */
  public void setBudget(PieceBudget budget) {
    this.budget = budget;
  }

  /**
   * The piece a stream reader waits for: the first missing piece at or after the reader's position,
   * or -1 if nobody reads or everything from there on is verified.
   */
  public int urgentPiece() {
    if (readerPosition < 0) {
      return -1;
    }
    int i = have.nextClearBit(geometry.pieceAt(readerPosition));
    return i < geometry.pieceCount() ? i : -1;
  }

  @Override
  public void addAvailability(BitSet pieces) {
    for (int i = pieces.nextSetBit(0);
        i >= 0 && i < availability.length;
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
    for (int i = pieces.nextSetBit(0);
        i >= 0 && i < availability.length;
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

    // 1. The piece the reader waits for: every free block, whoever owns the piece, then blocks
    // another peer was asked for a while ago (the first copy wins). A reader should not wait for
    // one slow peer.
    int urgent = urgentPiece();
    if (urgent >= 0 && mayPick(urgent, peerHas, allowed)) {
      Progress<P> p = progress[urgent];
      if (p == null) {
        take(urgent, peer, out, max, now, Take.FREE);
      } else if (!p.hashing && !p.parole) {
        take(urgent, peer, out, max, now, Take.FREE);
        take(urgent, peer, out, max, now, Take.URGENT);
      } else if (!p.hashing && (p.owner == null || p.owner.equals(peer))) {
        take(urgent, peer, out, max, now, Take.FREE); // On parole: one peer only.
      }
    }
    // 2. The rest of the streaming window: the next windowPieces missing pieces after the
    // reader's. Without a reader there is no window, so leechers spread out and trade.
    if (urgent >= 0 && windowPieces > 1 && out.size() < max) {
      pickWindow(urgent, peer, peerHas, allowed, out, max, now);
    }
    // 3. Pieces this peer owns or nobody owns.
    if (out.size() < max) {
      for (Progress<P> p : active.values()) {
        if (out.size() >= max) {
          break;
        }
        if (!p.hashing
            && (p.owner == null || p.owner.equals(peer))
            && mayPick(p.piece, peerHas, allowed)) {
          take(p.piece, peer, out, max, now, Take.FREE);
        }
      }
    }
    // 4. Blocks whose request timed out at another peer. Before new pieces: that peer may be
    // stuck (it is dropped only after the snub timeout), and a reader may be waiting for exactly
    // this piece; left for last they would wait for the endgame. The first copy to arrive wins
    // and the other requester gets a cancel.
    if (out.size() < max) {
      takeRequested(peer, peerHas, allowed, out, max, now, Take.TIMED_OUT);
    }
    // 5. New pieces, rarest first.
    if (out.size() < max) {
      pickNewPieces(peer, peerHas, allowed, out, max, now);
    }
    // 6. Join pieces other peers own (not those on parole).
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
    // 7. Endgame: ask for blocks already requested from someone else.
    if (out.size() < max) {
      takeRequested(peer, peerHas, allowed, out, max, now, Take.DUPLICATE);
    }
    return out;
  }

  /**
   * Step 2: the window after the urgent piece, rarest first and, at equal availability, from a
   * random start rather than in order. Hosts that stream the same blob at the same time then ask
   * the seed for different pieces and trade them, instead of all asking it for the same next piece
   * (which made a seed send each piece to every host). The reader still gets its next piece first
   * (step 1), and the whole window before anything past it.
   */
  private void pickWindow(
      int urgent, P peer, BitSet peerHas, BitSet allowed, List<BlockRef> out, int max, long now) {
    int n = geometry.pieceCount();
    int[] window = windowScratch;
    int size = 0;
    int seen = 1; // the urgent piece
    for (int i = have.nextClearBit(urgent + 1);
        i < n && seen < windowPieces;
        i = have.nextClearBit(i + 1), seen++) {
      Progress<P> p = progress[i];
      boolean mine = p == null || (!p.hashing && (p.owner == null || p.owner.equals(peer)));
      if (mine && mayPick(i, peerHas, allowed)) {
        window[size++] = i;
      }
    }
    if (size == 0) {
      return;
    }
    int rotation = random.nextInt(size);
    int level = -1;
    while (out.size() < max) {
      int next = Integer.MAX_VALUE;
      for (int k = 0; k < size; k++) {
        int a = availability[window[k]];
        if (a > level && a < next) {
          next = a;
        }
      }
      if (next == Integer.MAX_VALUE) {
        return;
      }
      level = next;
      for (int k = 0; k < size && out.size() < max; k++) {
        int i = window[rotation + k < size ? rotation + k : rotation + k - size];
        if (availability[i] == level) {
          take(i, peer, out, max, now, Take.FREE);
        }
      }
    }
  }

  /** Steps 4 and 7: blocks requested from others, of pieces this peer may share. */
  private void takeRequested(
      P peer, BitSet peerHas, BitSet allowed, List<BlockRef> out, int max, long now, Take how) {
    for (Progress<P> p : active.values()) {
      if (out.size() >= max) {
        break;
      }
      if (!p.hashing
          && mayPick(p.piece, peerHas, allowed)
          && (!p.parole || p.owner == null || p.owner.equals(peer))) {
        take(p.piece, peer, out, max, now, how);
      }
    }
  }

  private boolean mayPick(int piece, BitSet peerHas, BitSet allowed) {
    return !have.get(piece) && peerHas.get(piece) && (allowed == null || allowed.get(piece));
  }

  /**
   * New pieces in order of availability (rarest first), and within the same availability from a
   * random start, so peers spread out. One pass per availability level instead of a sort: with one
   * seed, or a swarm where most pieces are equally common, that is one or two passes.
   */
  private void pickNewPieces(
      P peer, BitSet peerHas, BitSet allowed, List<BlockRef> out, int max, long now) {
    int n = geometry.pieceCount();
    if (n == 0) {
      return;
    }
    int rotation = random.nextInt(n);
    int level = -1;
    while (out.size() < max) {
      // The lowest availability above the previous level among the candidates.
      int next = Integer.MAX_VALUE;
      for (int i = have.nextClearBit(0); i < n; i = have.nextClearBit(i + 1)) {
        int a = availability[i];
        if (a > level && a < next && progress[i] == null && mayPick(i, peerHas, allowed)) {
          next = a;
        }
      }
      if (next == Integer.MAX_VALUE) {
        return;
      }
      level = next;
      for (int k = 0; k < n && out.size() < max; k++) {
        int i = rotation + k < n ? rotation + k : rotation + k - n;
        if (availability[i] == level
            && progress[i] == null
            && mayPick(i, peerHas, allowed)
            && !take(i, peer, out, max, now, Take.FREE)) {
          return; // The budget allows no new piece.
        }
      }
    }
  }

  /** Which blocks of a piece {@link #take} may request. */
  private enum Take {
    /** Blocks nobody requested. */
    FREE,
    /** Blocks requested from others whose request timed out. */
    TIMED_OUT,
    /** Blocks requested from others that timed out, or in endgame any with a requester slot. */
    DUPLICATE,
    /**
     * Blocks of the piece a reader waits for, requested from one other peer more than {@link
     * #URGENT_TIMEOUT} ago.
     */
    URGENT
  }

  /**
   * Requests the blocks of {@code piece} that {@code how} allows. Returns false if the piece is new
   * and the budget did not allow starting it.
   */
  private boolean take(int piece, P peer, List<BlockRef> out, int max, long now, Take how) {
    Progress<P> p = progress[piece];
    if (p == null) {
      if (how != Take.FREE || !budget.tryStart(piece)) {
        return false;
      }
      p = new Progress<>(piece, geometry.blockCount(piece));
      active.put(piece, p);
      progress[piece] = p;
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
        if (how == Take.URGENT) {
          if (p.requesters(b).size() >= ENDGAME_REQUESTERS
              || now - p.requestedAt[b] < urgentTimeoutMillis) {
            continue;
          }
        } else {
          // requestedAt is reset when a requester joins, so a block that timed out is asked of
          // one more peer per timeout, not of every peer at once.
          boolean timedOut = now - p.requestedAt[b] >= requestTimeoutMillis;
          if (!timedOut && !(endgame && p.requesters(b).size() < ENDGAME_REQUESTERS)) {
            continue;
          }
        }
      }
      p.requesters(b).add(peer);
      p.requestedAt[b] = now;
      if (p.owner == null) {
        p.owner = peer;
      }
      out.add(geometry.block(piece, b));
    }
    return true;
  }

  @Override
  public Received<P> received(P peer, BlockRef block) {
    int piece = block.piece().value();
    Progress<P> p = progressOf(piece);
    if (p == null || p.hashing || block.offset() % geometry.blockSize() != 0) {
      return Received.unwanted();
    }
    int b = block.offset() / geometry.blockSize();
    if (b >= p.blocks
        || !geometry.block(piece, b).equals(block)
        || p.state[b] != REQUESTED
        || !p.requesters(b).remove(peer)) {
      return Received.unwanted();
    }
    List<P> cancel = p.requesters(b).isEmpty() ? List.of() : new ArrayList<>(p.requesters(b));
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
    Progress<P> p = progressOf(piece);
    if (p == null || block.offset() % geometry.blockSize() != 0) {
      return;
    }
    int b = block.offset() / geometry.blockSize();
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
    progress[p.piece] = null;
    budget.dropped(p.piece);
  }

  @Override
  public Set<P> pieceFailed(PieceIndex piece) {
    Progress<P> p = progressOf(piece.value());
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
    progress[i] = null;
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
    missing.clear(i);
  }

  @Override
  public boolean isInteresting(BitSet peerHas) {
    return missing.intersects(peerHas);
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

  private Progress<P> progressOf(int piece) {
    return piece >= 0 && piece < progress.length ? progress[piece] : null;
  }

  /** Test view: the peer a piece belongs to, or null. */
  P owner(int piece) {
    Progress<P> p = progressOf(piece);
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
