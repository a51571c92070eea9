package io.layerswarm.swarm.peer;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.core.metainfo.PieceIndex;
import io.layerswarm.core.metainfo.TorrentGeometry;
import io.layerswarm.core.topology.Location;
import io.layerswarm.core.topology.Location.Tier;
import io.layerswarm.swarm.log.LogKeys;
import io.layerswarm.swarm.sched.PiecePicker;
import io.layerswarm.swarm.wire.ExtendedHandshake;
import io.layerswarm.swarm.wire.PeerMessage;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol state of one peer connection (BEP 3 with the BEP 6 fast extension): the four
 * choke/interest flags, the peer's pieces, our requests to it and its requests to us. The download
 * side is a {@link Downloader}, the upload side an {@link Uploader}; this class keeps what the peer
 * has, the connection's liveness and the message dispatch.
 *
 * <p>Owned by the torrent's event loop: every method must be called there. Sending goes through a
 * {@link PeerLink}, so this class has no Netty channel and can be driven directly in tests.
 */
public final class Peer {
  private static final Logger log = LoggerFactory.getLogger(Peer.class);

  /**
   * Send a keep-alive after this long without sending anything (BEP 3: peers drop connections
   * silent for two minutes).
   */
  static final Duration KEEP_ALIVE = Duration.ofSeconds(60);

  /**
   * Requests refused in a row (none accepted in between) after which the peer is banned. A peer
   * that we choke may have a whole pipeline of requests on the way (libtorrent keeps up to 1500,
   * our upload queue takes 2048); a peer that sends twice that many ignores our chokes and rejects.
   */
  static final int MAX_REFUSED_IN_A_ROW = 2 * UploadQueue.MAX_UPLOAD_QUEUE;

  /**
   * A connection on which neither side wants the other's pieces and nothing is owed either way is
   * closed after this long: it only holds a slot (a peer that connects and then sits, keep-alives
   * and all). During a download a have changes interest within seconds; the tracker hands the peer
   * out again if it gets something to trade.
   */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

  private final long id;
  private final PeerId remoteId;
  private final boolean outgoing;
  private final boolean fast;
  private final PeerLink link;
  private final Swarm swarm;
  private final TorrentGeometry geometry;
  private final PiecePicker<Peer> picker;

  /** Our interest, the peer's choke and our requests to it. */
  private final Downloader downloader;

  /** Our choke, the peer's interest and its requests to us. */
  private final Uploader uploader;

  private Instant lastTick;

  /** Whether both sides set the extension protocol bit (BEP 10). */
  private final boolean extended;

  /** Where the peer said it is, in its extended handshake; unknown until then. */
  private Location location = Location.UNKNOWN;

  private Tier tier = Tier.OTHER;

  /** Whether the peer said it needs no HAVE for a piece it announced (its extended handshake). */
  private boolean lazyHave;

  private final BitSet has;

  /** Whether the peer said what it has (bitfield, have-all/none, have); a have while we seed. */
  private boolean toldPieces;

  private boolean tellsSeeds;

  /** Whether anything was sent since the last tick, and when we last knew we had sent. */
  private boolean sent;

  private Instant lastSentAt;

  /** Since when the connection has been idle ({@link #IDLE_TIMEOUT}), or null. */
  private Instant idleSince;

  private boolean closed;
  private boolean closing;

  /**
   * @param id a sequence number unique within the engine (the choker's tie-breaker)
   * @param fast whether both sides set the fast extension bit
   * @param maxRequestDepth how many of our requests may be outstanding at this peer at most; the
   *     actual depth follows the peer's rate (see {@link #tick})
   */
  public Peer(
      long id,
      PeerId remoteId,
      boolean outgoing,
      boolean fast,
      int maxRequestDepth,
      PeerLink link,
      Swarm swarm) {
    this(id, remoteId, outgoing, fast, false, maxRequestDepth, link, swarm);
  }

  /**
   * @param extended whether both sides set the extension protocol bit (BEP 10): we then send our
   *     extended handshake, with our zone and rack, after our bitfield
   */
  public Peer(
      long id,
      PeerId remoteId,
      boolean outgoing,
      boolean fast,
      boolean extended,
      int maxRequestDepth,
      PeerLink link,
      Swarm swarm) {
    this.extended = extended;
    this.id = id;
    this.remoteId = remoteId;
    this.outgoing = outgoing;
    this.fast = fast;
    this.link = link;
    this.swarm = swarm;
    this.geometry = swarm.geometry();
    this.picker = swarm.picker();
    this.has = new BitSet(geometry.pieceCount());
    Instant now = swarm.clock().instant();
    this.uploader = new Uploader(this, link, swarm, fast, now);
    this.downloader = new Downloader(this, swarm, fast, maxRequestDepth, now);
    this.lastTick = now;
    this.lastSentAt = now;
  }

  /** Queues a message; anything sent puts off the keep-alive. */
  void send(PeerMessage message) {
    sent = true;
    link.send(message);
  }

  /** Queues a block of ours; see {@link PeerLink#sendBlock}. */
  void sendBlock(BlockRef block, Consumer<Boolean> written) {
    sent = true;
    link.sendBlock(block, written);
  }

  /**
   * Sends what we have: a bitfield, or with the fast extension have-all/have-none (BEP 6). A seed
   * then lets the choker run at once, as it counts a new peer as interested (see {@link
   * #wantsOurPieces}): the unchoke goes out with the have-all, and the peer can request in its
   * first answer rather than after another round trip of interested and unchoke.
   */
  public void start() {
    sendPieces(swarm.offersPieces() ? new BitSet() : swarm.verified());
    if (extended) {
      // BEP 10 allows it any time after the handshake; BEP 6 wants the bitfield first. A seed
      // that offers pieces one by one learns from every HAVE, so it never says lazy.
      send(ExtendedHandshake.of(swarm.location(), !swarm.offersPieces()));
    }
    link.flush();
    if (swarm.isComplete()) {
      swarm.interestChanged(this);
    }
  }

  /** Handles one message from the peer; takes ownership of reference-counted ones. */
  public void handle(PeerMessage message) {
    if (log.isTraceEnabled()) {
      LogKeys.peer(LogKeys.torrent(log.atTrace(), swarm.metainfo()), link.remoteAddress())
          .log("<- {}", message);
    }
    if (closed || closing) {
      // Once we decided to hang up (a protocol violation, a ban), nothing more the peer sent
      // before the close took effect may change our state.
      ReferenceCountUtil.release(message);
      return;
    }
    if (message.needsFastExtension() && !fast) {
      close("fast extension message without the fast extension: " + message);
      return;
    }
    try {
      dispatch(message);
    } finally {
      if (!closed) {
        link.flush();
      }
    }
  }

  private void dispatch(PeerMessage message) {
    if (message instanceof PeerMessage.Piece piece) {
      downloader.onPiece(piece);
    } else if (message instanceof PeerMessage.Request request) {
      uploader.onRequest(request.block());
    } else if (message instanceof PeerMessage.Have have) {
      onHave(have.piece());
    } else if (message instanceof PeerMessage.Cancel cancel) {
      uploader.onCancel(cancel.block());
    } else if (message instanceof PeerMessage.Unchoke) {
      downloader.onUnchoke();
    } else if (message instanceof PeerMessage.Choke) {
      downloader.onChoke();
    } else if (message instanceof PeerMessage.Interested) {
      uploader.onInterested();
    } else if (message instanceof PeerMessage.NotInterested) {
      uploader.onNotInterested();
    } else if (message instanceof PeerMessage.Bitfield bitfield) {
      Optional<BitSet> pieces = bitfield.toBitSet(geometry.pieceCount());
      if (pieces.isEmpty()) {
        close("bitfield of the wrong length or with spare bits set");
        return;
      }
      onPieceInfo(pieces.get());
    } else if (message instanceof PeerMessage.HaveAll) {
      BitSet all = new BitSet();
      all.set(0, geometry.pieceCount());
      onPieceInfo(all);
    } else if (message instanceof PeerMessage.HaveNone) {
      onPieceInfo(new BitSet());
    } else if (message instanceof PeerMessage.RejectRequest reject) {
      downloader.onReject(reject.block());
    } else if (message instanceof PeerMessage.AllowedFast allowed) {
      downloader.onAllowedFast(allowed.piece());
    } else if (message instanceof PeerMessage.Extended ext
        && extended
        && ext.extendedId() == ExtendedHandshake.ID) {
      ExtendedHandshake.Said said = ExtendedHandshake.read(ext.payload());
      location = said.location();
      lazyHave = said.lazyHave();
      tier = swarm.location().tierOf(location);
    }
    // Keep-alive, suggest-piece, port, unknown ids and extension messages we did not announce need
    // no action (BEP 3, BEP 6, BEP 10).
  }

  private void onPieceInfo(BitSet pieces) {
    toldPieces = true;
    // BEP 3 sends the bitfield only as the first message, but aria2 sends another one later as
    // an update. Peers never lose pieces, so a later one only adds what is new.
    BitSet added = (BitSet) pieces.clone();
    added.andNot(has);
    if (added.isEmpty()) {
      downloader.updateInterest();
      return;
    }
    has.or(added);
    picker.addAvailability(added);
    if (isSeed() && swarm.isComplete()) {
      close("both are seeds");
      return;
    }
    downloader.updateInterest();
  }

  private void onHave(PieceIndex piece) {
    int i = piece.value();
    if (i >= geometry.pieceCount()) {
      close("have for piece " + i + " of " + geometry.pieceCount());
      return;
    }
    toldPieces = true;
    tellsSeeds |= swarm.isComplete();
    downloader.onReoffered(i);
    if (has.get(i)) {
      return;
    }
    has.set(i);
    picker.addAvailability(piece);
    swarm.peerHas(this, piece);
    if (isSeed() && swarm.isComplete()) {
      close("both are seeds");
      return;
    }
    if (!downloader.amInterested()) {
      downloader.updateInterest();
    }
  }

  /** Tops up our requests to the current pipeline depth if the peer lets us download. */
  public void refill() {
    downloader.refill();
  }

  /** Sends interested or not-interested if our interest in the peer's pieces changed. */
  public void updateInterest() {
    downloader.updateInterest();
  }

  /** Chokes or unchokes the peer, as the choker decided. */
  public void setChoking(boolean choke) {
    if (!closed) {
      uploader.setChoking(choke);
    }
  }

  /**
   * We verified a piece: tell the peer, even if it has it, and re-check our interest. A seed that
   * offers pieces one by one learns only from our HAVE that we got its offer elsewhere; without it,
   * it offered that piece again and again instead of one we lack (as libtorrent's
   * send_redundant_have, on by default). A peer that said lazy ({@link ExtendedHandshake.Said})
   * gets no HAVE for a piece it announced: it would change nothing there, and at 16 peers HAVEs
   * were most of a fresh agent's messages (decision 35). So it cannot tell when we become a seed:
   * the piece that completes us goes to it as all we have, and two seeds hang up instead of holding
   * each other's connection slots until the idle timeout (decision 37).
   */
  public void pieceVerified(PieceIndex piece) {
    if (closed) {
      return;
    }
    if (lazyHave && swarm.isComplete()) {
      sendAllWeHave();
    } else if (!lazyHave || !has.get(piece.value())) {
      send(new PeerMessage.Have(piece));
    }
    if (isSeed() && swarm.isComplete()) {
      close("both are seeds");
      return;
    }
    if (downloader.amInterested()) {
      downloader.updateInterest();
    }
  }

  /** All our pieces in one message: a have-all with the fast extension, else a bitfield. */
  private void sendAllWeHave() {
    BitSet all = new BitSet(geometry.pieceCount());
    all.set(0, geometry.pieceCount());
    sendPieces(all);
  }

  /** {@code verified} in one message: have-all or have-none with the fast extension (BEP 6). */
  private void sendPieces(BitSet verified) {
    int n = geometry.pieceCount();
    if (fast && verified.cardinality() == n) {
      send(new PeerMessage.HaveAll());
    } else if (fast && verified.isEmpty()) {
      send(new PeerMessage.HaveNone());
    } else if (!verified.isEmpty()) {
      send(PeerMessage.Bitfield.of(verified, n));
    }
  }

  /** Offers the peer a piece we have (a seed that offers pieces one by one): a HAVE. */
  public void offer(PieceIndex piece) {
    if (!closed) {
      send(new PeerMessage.Have(piece));
    }
  }

  /** An endgame duplicate arrived elsewhere: withdraw our request for it. */
  public void cancel(BlockRef block) {
    downloader.cancel(block);
  }

  /** Sends what was queued by calls from outside {@link #handle}. */
  public void flush() {
    if (!closed) {
      link.flush();
    }
  }

  /**
   * Periodic work, about once a second: adapts the pipeline depth to the rate the peer delivered,
   * drops a peer that owes us blocks but sends nothing and a connection idle both ways for {@link
   * #IDLE_TIMEOUT}, tops up requests, and sends a keep-alive if we have been silent for {@link
   * #KEEP_ALIVE}.
   */
  public void tick() {
    Instant now = swarm.clock().instant();
    if (sent) {
      sent = false;
      lastSentAt = now;
    } else if (!closed && !now.isBefore(lastSentAt.plus(KEEP_ALIVE))) {
      send(new PeerMessage.KeepAlive());
    }
    double seconds = Duration.between(lastTick, now).toNanos() / 1e9;
    if (seconds > 0) {
      uploader.tick(seconds);
      lastTick = now;
    }
    downloader.tick(seconds);
    if (!closed && downloader.snubbed(now)) {
      close("no block for " + RequestPipeline.SNUB_TIMEOUT.toSeconds() + " s");
      return;
    }
    if (downloader.isIdle() && !wantsOurPieces() && !uploader.hasQueued()) {
      if (idleSince == null) {
        idleSince = now;
      } else if (!now.isBefore(idleSince.plus(IDLE_TIMEOUT))) {
        close("idle for " + IDLE_TIMEOUT.toSeconds() + " s: neither side interested");
        return;
      }
    } else {
      idleSince = null;
    }
    downloader.refill();
    link.flush();
  }

  /** The current pipeline depth, in blocks. */
  public int requestDepth() {
    return downloader.depth();
  }

  /** Smoothed payload bytes per second received from this peer. */
  public double downloadRate() {
    return downloader.rate();
  }

  /** Smoothed payload bytes per second sent to this peer. */
  public double uploadRate() {
    return uploader.rate();
  }

  /** Closes the connection. */
  public void close(String reason) {
    if (!closed && !closing) {
      closing = true;
      link.close(reason);
    }
  }

  /**
   * Closes the connection and refuses the peer's address for a while ({@link PeerLink#ban}): it
   * broke a limit or sent corrupt data.
   */
  public void ban(String reason) {
    if (!closed && !closing) {
      closing = true;
      link.ban(reason);
    }
  }

  /** The connection closed: gives back requests and availability. Idempotent. */
  public void closed() {
    if (closed) {
      return;
    }
    closed = true;
    picker.peerGone(this);
    picker.removeAvailability(has);
    downloader.clear();
    uploader.clear();
    swarm.peerClosed(this);
  }

  public boolean isClosed() {
    return closed;
  }

  public long id() {
    return id;
  }

  public PeerId remoteId() {
    return remoteId;
  }

  public InetSocketAddress remoteAddress() {
    return link.remoteAddress();
  }

  public boolean isOutgoing() {
    return outgoing;
  }

  public boolean isFast() {
    return fast;
  }

  /** Where the peer said it is (BEP 10 extended handshake); unknown if it did not. */
  public Location location() {
    return location;
  }

  /** How near the peer is to us: {@link Tier#OTHER} while either location is unknown. */
  public Tier tier() {
    return tier;
  }

  /** Whether the peer lets us request now (it unchoked us). */
  public boolean unchokedUs() {
    return !downloader.peerChoking();
  }

  /**
   * The pieces the peer announced, not copied: for the torrent's loop to read during one call (the
   * {@link io.layerswarm.swarm.sched.NearFirst} decision), never to change or keep.
   */
  public BitSet piecesView() {
    return has;
  }

  /** The pieces the peer announced; a copy. */
  public BitSet pieces() {
    return (BitSet) has.clone();
  }

  public boolean isSeed() {
    return has.cardinality() == geometry.pieceCount();
  }

  /**
   * Share of the torrent's pieces the peer has, 0..1, from its bitfield and haves. Empty if
   * unknown: it said nothing yet, or we seed and it sent us no have since (libtorrent and aria2
   * send seeds none), so what it said is stale.
   */
  public OptionalDouble progress() {
    int pieces = geometry.pieceCount();
    boolean known = isSeed() || (toldPieces && (tellsSeeds || !swarm.isComplete()));
    if (!known) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(pieces == 0 ? 1.0 : (double) has.cardinality() / pieces);
  }

  public boolean isInterested() {
    return uploader.peerInterested();
  }

  /**
   * Whether the choker should count the peer as interested: it said so, or we are a seed and it has
   * not said either way yet (anyone who connects to a seed wants its data).
   */
  public boolean wantsOurPieces() {
    return uploader.wantsOurPieces();
  }

  public boolean amChoking() {
    return uploader.amChoking();
  }

  public boolean amInterested() {
    return downloader.amInterested();
  }

  public boolean peerChoking() {
    return downloader.peerChoking();
  }

  /**
   * Whether we unchoke the peer but it has asked us for nothing since {@code cutoff}: it holds an
   * upload slot it does not use (everything it wants of us it asked of others).
   */
  public boolean unchokedIdleSince(Instant cutoff) {
    return !closed && uploader.unchokedIdleSince(cutoff);
  }

  public Instant chokeStateSince() {
    return uploader.chokeStateSince();
  }

  /** Our requests the peer has not answered yet; a copy. */
  public List<BlockRef> outstanding() {
    return downloader.outstanding();
  }

  public long downloadedBytes() {
    return downloader.downloadedBytes();
  }

  public long uploadedBytes() {
    return uploader.uploadedBytes();
  }

  @Override
  public String toString() {
    return "Peer[" + id + " " + link.remoteAddress() + (outgoing ? " out" : " in") + "]";
  }
}
