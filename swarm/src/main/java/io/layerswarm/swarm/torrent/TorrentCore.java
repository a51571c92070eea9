package io.layerswarm.swarm.torrent;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.core.metainfo.PieceIndex;
import io.layerswarm.core.metainfo.TorrentGeometry;
import io.layerswarm.core.topology.Location;
import io.layerswarm.swarm.log.LogKeys;
import io.layerswarm.swarm.loop.Loop;
import io.layerswarm.swarm.peer.Peer;
import io.layerswarm.swarm.peer.PeerLink;
import io.layerswarm.swarm.peer.Swarm;
import io.layerswarm.swarm.sched.PiecePicker;
import io.layerswarm.swarm.sched.StreamingRarestFirstPicker;
import io.layerswarm.swarm.storage.PieceStore;
import io.layerswarm.swarm.tracker.AnnounceEvent;
import io.layerswarm.swarm.tracker.AnnounceRequest;
import io.layerswarm.swarm.tracker.Announcer;
import io.layerswarm.swarm.wire.Handshake;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The swarm policy of one torrent, without sockets: which connections it keeps, whom it unchokes,
 * which pieces it fetches and from whom (through each {@link Peer} and the picker), what happens
 * when a piece is complete, verified or corrupt, whom it bans, whom it dials, and when it is done.
 * Everything outside it is a port ({@link TorrentPorts}), so the engine and the simulator run this
 * same class.
 *
 * <p>Threads: the loop of its ports owns all state here (connections, picker, choker input); every
 * change arrives as a task on it. The counters, {@link #completion()} and {@link #announced()} may
 * be read from any thread.
 */
public final class TorrentCore implements Swarm {
  private static final Logger log = LoggerFactory.getLogger(TorrentCore.class);

  private final Metainfo metainfo;
  private final TorrentGeometry geometry;
  private final PeerId localId;
  private final TorrentPolicy policy;
  private final Loop loop;
  private final InstantSource clock;
  private final PieceStore store;
  private final StreamingRarestFirstPicker<Peer> picker;
  private final Unchoker unchoker;
  private final PieceReservations reservations;
  private final PeerCandidates candidates;
  private final Connections connections;

  private final CompletableFuture<Path> completion = new CompletableFuture<>();
  private final CompletableFuture<Boolean> announced = new CompletableFuture<>();
  private final AtomicLong uploaded = new AtomicLong();
  private final AtomicLong downloaded = new AtomicLong();
  private final AtomicLong wasted = new AtomicLong();
  private final AtomicLong endgameWasted = new AtomicLong();

  // Owned by the loop.
  private boolean stopped;
  private boolean finishing;

  /** Whether a run of the choker is scheduled to give idle peers' slots to waiting ones. */
  private boolean idleCheckDue;

  private Loop.Timer ticker;
  private Announcer announcer;

  /**
   * @param localId our peer id, which both ends of a connection compare to settle duplicates
   */
  public TorrentCore(Metainfo metainfo, PeerId localId, TorrentPolicy policy, TorrentPorts ports) {
    this.metainfo = metainfo;
    this.geometry = metainfo.geometry().withBlockSize(policy.blockSize());
    this.localId = localId;
    this.policy = policy;
    this.loop = ports.loop();
    this.clock = ports.clock();
    this.store = ports.store();
    int window = (int) Math.max(4, policy.windowBytes() / metainfo.pieceLength());
    this.picker =
        new StreamingRarestFirstPicker<>(
            geometry, store.verified(), window, policy.requestTimeout(), clock, ports.random());
    // Tops up every peer's requests when memory is given back (by any torrent, on any thread):
    // always as a new task, never in the middle of the work that gave memory back.
    this.reservations =
        new PieceReservations(
            ports.memory(), store, metainfo.pieceLength(), () -> loop.execute(this::refillAll));
    picker.setBudget(reservations.budget(picker::urgentPiece));
    this.candidates = new PeerCandidates(metainfo, ports.dialer());
    this.connections =
        new Connections(localId, policy, ports.peerSequence(), candidates, this, this::left);
    this.unchoker = new Unchoker(policy, clock, geometry, store.isComplete(), connections.live());
  }

  /**
   * Starts ticking and announcing with {@code announcer}, which must run on the same loop; a
   * complete store completes at once. Loop only.
   */
  public void start(Announcer announcer) {
    this.announcer = announcer;
    scheduleTick();
    if (store.isComplete()) {
      // A seed, or an empty file: complete now (a download still needs its rename).
      finish();
    }
    announcer.started().whenComplete((accepted, e) -> announced.complete(e == null && accepted));
    announcer.start();
  }

  private void scheduleTick() {
    ticker =
        loop.schedule(
            () -> {
              if (!stopped) {
                scheduleTick();
                tick();
              }
            },
            policy.tick());
  }

  /** The outcome of the first "started" announce; see {@link Announcer#started()}. Any thread. */
  public CompletableFuture<Boolean> announced() {
    return announced;
  }

  /**
   * The announce parameters for {@code event}, from the current counters. Loop only.
   *
   * @param port the port peers reach us on
   * @param ip the address to announce, or empty for the connection's source address
   * @param extra further parameters (zone, rack)
   */
  public AnnounceRequest announceRequest(
      AnnounceEvent event, int port, Optional<String> ip, Map<String, String> extra) {
    return new AnnounceRequest(
        metainfo.infoHash(),
        localId,
        port,
        uploaded.get(),
        downloaded.get(),
        Math.max(0, metainfo.length() - store.verifiedBytes()),
        event,
        policy.numWant(),
        ip,
        Optional.empty(),
        extra);
  }

  /**
   * Stops: no more announces but "stopped", closes every connection and the store. Completes when
   * the "stopped" announce is answered or failed. Loop only.
   */
  public CompletableFuture<Void> stop() {
    if (stopped) {
      return CompletableFuture.completedFuture(null);
    }
    stopped = true;
    announced.complete(false);
    if (ticker != null) {
      ticker.cancel();
    }
    connections.closeAll("torrent removed");
    // Data of pieces still being hashed or written is left to the garbage collector.
    reservations.releaseAll();
    store.close();
    completion.completeExceptionally(
        new IOException("torrent " + metainfo.infoHash() + " was removed"));
    return announcer == null ? CompletableFuture.completedFuture(null) : announcer.stop();
  }

  /**
   * Periodic work, every {@link TorrentPolicy#tick}: peers' timeouts and pipelines, the choker,
   * dialing. Loop only; tests with a manual clock call it directly.
   */
  public void tick() {
    if (stopped) {
      return;
    }
    picker.setReaderPosition(store.readerPosition());
    for (Peer peer : connections.list()) {
      peer.tick();
      unchoker.ticked(peer);
    }
    runChoker();
    unchoker.offerAfresh();
    connections.connectMore(isComplete());
    if (connections.noneOpenOrDialing() && !isComplete() && announcer != null) {
      // Nobody to download from: ask the trackers again rather than wait a whole interval.
      announcer.requestPeers();
    }
  }

  /** A reader opened a stream or moved: fetch what it waits for first. Loop only. */
  public void readerMoved() {
    if (stopped) {
      return;
    }
    picker.setReaderPosition(store.readerPosition());
    refillAll();
  }

  /** Connects to these peers as well as those from the trackers. Loop only. */
  public void addPeers(Collection<InetSocketAddress> addresses) {
    candidates.addGiven(addresses);
    connections.connectMore(isComplete());
  }

  /** Peers from a tracker; ignored once complete (leechers dial seeds, not the other way). */
  public void trackerPeers(List<InetSocketAddress> addresses) {
    if (!isComplete()) {
      candidates.addFromTrackers(addresses);
      connections.connectMore(isComplete());
    }
  }

  // ---- reads (any thread) ----

  public InfoHash infoHash() {
    return metainfo.infoHash();
  }

  /**
   * Completes with the final file once every piece is verified and the store moved it into place;
   * exceptionally if the torrent stops or the store fails first.
   */
  public CompletableFuture<Path> completion() {
    return completion;
  }

  public long verifiedBytes() {
    return store.verifiedBytes();
  }

  public int connectedPeers() {
    return connections.connected();
  }

  /** Payload bytes sent to peers. */
  public long uploadedBytes() {
    return uploaded.get();
  }

  /** Payload bytes received from peers, duplicates and late blocks included. */
  public long downloadedBytes() {
    return downloaded.get();
  }

  /** Payload bytes received that were not needed; see {@link Swarm#wasted}. */
  public long wastedBytes() {
    return wasted.get();
  }

  /** Of {@link #wastedBytes}, those received while the picker was in its endgame. */
  public long endgameWastedBytes() {
    return endgameWasted.get();
  }

  // ---- reads (loop) ----

  /** Whether {@link #stop} ran. Loop only. */
  public boolean isStopped() {
    return stopped;
  }

  /** The open connections' peers, oldest first; a copy. Loop only. */
  public List<Peer> peerList() {
    return connections.list();
  }

  /** Peer ids of the open connections. Loop only. */
  public Set<PeerId> connectedPeerIds() {
    return connections.connectedIds();
  }

  /** Peer ids banned for sending corrupt data. Loop only. */
  public Set<PeerId> bannedPeerIds() {
    return connections.bannedIds();
  }

  // ---- Swarm (loop) ----

  @Override
  public void execute(Runnable task) {
    if (loop.inLoop()) {
      task.run();
    } else {
      loop.execute(task);
    }
  }

  @Override
  public PeerId localPeerId() {
    return localId;
  }

  @Override
  public Metainfo metainfo() {
    return metainfo;
  }

  @Override
  public TorrentGeometry geometry() {
    return geometry;
  }

  @Override
  public PiecePicker<Peer> picker() {
    return picker;
  }

  @Override
  public BitSet verified() {
    return store.verified();
  }

  @Override
  public boolean mayUpload(Peer peer, PieceIndex piece) {
    return store.isVerified(piece) && unchoker.offered(peer, piece);
  }

  @Override
  public InstantSource clock() {
    return clock;
  }

  @Override
  public boolean isComplete() {
    return store.isComplete();
  }

  @Override
  public boolean mayRequest() {
    return !stopped;
  }

  @Override
  public Peer attach(PeerLink link, Handshake handshake, boolean outgoing) {
    return connections.attach(link, handshake, outgoing);
  }

  @Override
  public Location location() {
    return policy.location();
  }

  @Override
  public BitSet requestable(Peer peer, BitSet available) {
    return NearPeers.requestable(policy.location(), peer, available, connections.live());
  }

  @Override
  public void blockArrived(
      Peer from, BlockRef block, ByteBuf data, PiecePicker.Received<Peer> received) {
    for (Peer other : received.cancel()) {
      other.cancel(block);
      other.flush();
    }
    int piece = block.piece().value();
    reservations.hold(piece);
    store.put(block, data);
    if (received.pieceComplete()) {
      PieceIndex index = block.piece();
      boolean urgent = piece == picker.urgentPiece();
      store
          .writePiece(index, urgent)
          .whenComplete((ok, e) -> execute(() -> pieceWritten(index, ok, e)));
    }
  }

  private void pieceWritten(PieceIndex piece, Boolean ok, Throwable error) {
    if (stopped) {
      return;
    }
    if (error != null) {
      fail(error);
      return;
    }
    if (ok) {
      reservations.release(piece.value(), true);
      picker.pieceVerified(piece);
      picker.setReaderPosition(store.readerPosition());
      for (Peer peer : connections.list()) {
        peer.pieceVerified(piece);
        peer.flush();
      }
      if (picker.isComplete()) {
        finish();
      }
      return;
    }
    // The piece keeps its memory: it is fetched again (on parole) into the same place.
    Set<Peer> senders = picker.pieceFailed(piece);
    if (senders.size() == 1) {
      LogKeys.peer(logAt(Level.INFO), senders.iterator().next().remoteAddress())
          .log("piece {} failed its hash check", piece);
    } else {
      logAt(Level.INFO)
          .log(
              "piece {} failed its hash check; sent by {}",
              piece,
              senders.stream().map(p -> LogKeys.hostPort(p.remoteAddress())).toList());
    }
    // Blame only a peer that sent the whole piece; mixed pieces go on parole to find out.
    if (senders.size() == 1) {
      strike(senders.iterator().next());
    }
    refillAll();
  }

  private void strike(Peer peer) {
    OptionalInt banned = connections.strike(peer);
    if (banned.isPresent()) {
      int count = banned.getAsInt();
      LogKeys.peer(logAt(Level.WARN), peer.remoteAddress())
          .log("banning peer {}: {} pieces failed their hash check", peer.remoteId(), count);
      peer.ban(count + " pieces failed their hash check");
    }
  }

  private void finish() {
    if (finishing) {
      return;
    }
    finishing = true;
    candidates.clearFromTrackers();
    store
        .finish()
        .whenComplete(
            (path, e) ->
                execute(
                    () -> {
                      if (e != null) {
                        fail(e);
                        return;
                      }
                      boolean wasDownload = !completion.isDone() && downloaded.get() > 0;
                      completion.complete(path);
                      logAt(Level.INFO)
                          .log(
                              "torrent complete: {} ({} bytes from peers, {} duplicate, {} of"
                                  + " them in the endgame)",
                              path,
                              downloaded.get(),
                              wasted.get(),
                              endgameWasted.get());
                      if (wasDownload && announcer != null) {
                        announcer.completed();
                      }
                    }));
  }

  private void fail(Throwable error) {
    IOException cause =
        error instanceof IOException io
            ? io
            : new IOException("storage of " + metainfo.infoHash() + " failed", error);
    logAt(Level.WARN).log("torrent failed: {}", cause.toString());
    store.fail(cause);
    completion.completeExceptionally(cause);
    stop();
  }

  @Override
  public boolean offersPieces() {
    return unchoker.offersPieces();
  }

  @Override
  public void peerHas(Peer peer, PieceIndex piece) {
    unchoker.peerHas(peer, piece);
  }

  @Override
  public void interestChanged(Peer peer) {
    runChoker();
  }

  private void runChoker() {
    if (!stopped && unchoker.run()) {
      checkIdleLater();
    }
  }

  /**
   * Peers wait for a slot: after {@link TorrentPolicy#idleSlot}, an unchoked peer that asked us for
   * nothing since gives its slot to one of them (decision 38). The choker runs again only if one is
   * idle; the look repeats while peers wait.
   */
  private void checkIdleLater() {
    if (idleCheckDue || policy.idleSlot().isZero()) {
      return;
    }
    idleCheckDue = true;
    loop.schedule(
        () -> {
          idleCheckDue = false;
          if (stopped) {
            return;
          }
          if (unchoker.anyIdle()) {
            runChoker();
          } else if (unchoker.waiting()) {
            checkIdleLater();
          }
        },
        policy.idleSlot());
  }

  @Override
  public void downloaded(Peer peer, int bytes) {
    downloaded.addAndGet(bytes);
  }

  @Override
  public void wasted(Peer peer, int bytes) {
    wasted.addAndGet(bytes);
    if (picker.isEndgame()) {
      endgameWasted.addAndGet(bytes);
    }
  }

  @Override
  public void uploadQueued(Peer peer, BlockRef block) {
    unchoker.asked(peer, block);
  }

  @Override
  public void uploaded(Peer peer, BlockRef block) {
    uploaded.addAndGet(block.length());
    unchoker.uploaded(peer, block);
  }

  @Override
  public void peerClosed(Peer peer) {
    connections.forget(peer);
    if (stopped) {
      return;
    }
    runChoker();
    refillAll();
    connections.connectMore(isComplete());
  }

  /** A peer left the open connections (closed, or lost to a duplicate): the choker forgets it. */
  private void left(Peer peer) {
    unchoker.left(peer);
  }

  private void refillAll() {
    for (Peer peer : connections.list()) {
      peer.refill();
      peer.flush();
    }
  }

  /** A log event with this torrent's keys (see {@link LogKeys}). */
  private LoggingEventBuilder logAt(Level level) {
    return LogKeys.torrent(log.atLevel(level), metainfo);
  }

  @Override
  public String toString() {
    return "Torrent[" + metainfo.infoHash() + "]";
  }
}
