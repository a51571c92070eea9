package io.layerswarm.swarm;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.core.metainfo.PieceIndex;
import io.layerswarm.core.metainfo.TorrentGeometry;
import io.layerswarm.swarm.log.LogKeys;
import io.layerswarm.swarm.peer.Peer;
import io.layerswarm.swarm.peer.PeerLink;
import io.layerswarm.swarm.peer.Swarm;
import io.layerswarm.swarm.sched.ChokeCandidate;
import io.layerswarm.swarm.sched.Choker;
import io.layerswarm.swarm.sched.PieceBudget;
import io.layerswarm.swarm.sched.PiecePicker;
import io.layerswarm.swarm.sched.RoundRobinChoker;
import io.layerswarm.swarm.sched.StreamingRarestFirstPicker;
import io.layerswarm.swarm.storage.PieceMemory;
import io.layerswarm.swarm.storage.PieceStorage;
import io.layerswarm.swarm.tracker.AnnounceEvent;
import io.layerswarm.swarm.tracker.AnnounceRequest;
import io.layerswarm.swarm.tracker.Announcer;
import io.layerswarm.swarm.wire.Handshake;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One torrent of a {@link SwarmEngine}: its storage, picker, choker, peers and announcer.
 *
 * <p>Threads: one event loop of the engine owns all mutable state here (peers, picker, choker
 * input, candidates, strikes); every change arrives as a task on it. The {@link Torrent} methods
 * may be called from any thread: they read thread-safe counters or submit tasks.
 */
final class TorrentSession implements Torrent, Swarm {
  private static final Logger log = LoggerFactory.getLogger(TorrentSession.class);

  /**
   * Most outstanding 16 KiB requests per peer: 4 MiB, half a second of a 10 Gbit/s peer. The depth
   * adapts to each peer's rate below that.
   */
  static final int REQUEST_DEPTH = 256;

  /** Peers unchoked at once per torrent. */
  static final int UPLOAD_SLOTS = 16;

  /** How long an unchoked peer keeps its slot while others wait. */
  static final Duration CHOKE_TURN = Duration.ofSeconds(20);

  /** Failed hash checks that a peer alone is blamed for before it is banned. */
  static final int STRIKES_TO_BAN = 3;

  static final Duration TICK = Duration.ofSeconds(1);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

  /** The streaming window: at least this many bytes ahead of the reader, in whole pieces. */
  static final long WINDOW_BYTES = 16L * 1024 * 1024;

  private final SwarmEngine engine;
  private final Metainfo metainfo;
  private final TorrentGeometry geometry;
  private final PieceStorage storage;
  private final PieceMemory memory;
  private final EventLoop loop;
  private final InstantSource clock;
  private final StreamingRarestFirstPicker<Peer> picker;
  private final Choker<Peer> choker;
  private final CompletableFuture<Path> completion = new CompletableFuture<>();
  private final AtomicLong uploaded = new AtomicLong();
  private final AtomicLong downloaded = new AtomicLong();
  private volatile int connected;

  // Owned by the loop.
  private final Map<Long, Peer> peers = new LinkedHashMap<>();
  private final Map<PeerId, Peer> byPeerId = new HashMap<>();
  private final Set<InetSocketAddress> trackerCandidates = new LinkedHashSet<>();
  private final Set<InetSocketAddress> explicitCandidates = new LinkedHashSet<>();
  private final Set<InetSocketAddress> dialing = new HashSet<>();
  private final Set<InetSocketAddress> dialed = new HashSet<>();
  private final Set<PeerId> bannedIds = new HashSet<>();
  private final Set<InetSocketAddress> bannedAddresses = new HashSet<>();
  private final Map<PeerId, Integer> strikes = new HashMap<>();

  /** Pieces in progress that hold a reservation of {@link #memory}. */
  private final BitSet reservedPieces = new BitSet();

  private int reservedCount;

  /** The arrays pieces in progress are assembled in, once their first block arrived; by index. */
  private final byte[][] pieceArrays;

  /**
   * Tops up every peer's requests when memory is given back (by any torrent, on any thread): always
   * as a new task, never in the middle of the work that gave memory back.
   */
  private final Runnable wakeUp;

  private boolean stopped;
  private boolean finishing;
  private ScheduledFuture<?> ticker;
  private Announcer announcer;
  private final CompletableFuture<Boolean> announced = new CompletableFuture<>();

  TorrentSession(
      SwarmEngine engine,
      Metainfo metainfo,
      PieceStorage storage,
      PieceMemory memory,
      EventLoop loop,
      InstantSource clock) {
    this.engine = engine;
    this.metainfo = metainfo;
    this.geometry = metainfo.geometry();
    this.storage = storage;
    this.memory = memory;
    this.pieceArrays = new byte[geometry.pieceCount()][];
    this.loop = loop;
    this.clock = clock;
    int window = (int) Math.max(4, WINDOW_BYTES / metainfo.pieceLength());
    this.picker =
        new StreamingRarestFirstPicker<>(
            geometry, storage.verified(), window, REQUEST_TIMEOUT, clock, new SplittableRandom());
    picker.setBudget(
        new PieceBudget() {
          @Override
          public boolean tryStart(int piece) {
            return reserve(piece);
          }

          @Override
          public void dropped(int piece) {
            release(piece, true);
          }
        });
    this.choker = new RoundRobinChoker<>(UPLOAD_SLOTS, CHOKE_TURN, clock);
    this.wakeUp = () -> loop.execute(this::refillAll);
  }

  EventLoop loop() {
    return loop;
  }

  /** Starts ticking and announcing. Any thread. */
  void start(Announcer announcer) {
    execute(
        () -> {
          this.announcer = announcer;
          ticker =
              loop.scheduleAtFixedRate(
                  this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
          if (storage.isComplete()) {
            // A seed, or an empty file: complete now (a download still needs its rename).
            finish();
          }
          announcer
              .started()
              .whenComplete((accepted, e) -> announced.complete(e == null && accepted));
          announcer.start();
        });
  }

  @Override
  public CompletableFuture<Boolean> announced() {
    return announced;
  }

  /** The announce parameters for {@code event}, from the current counters. Loop only. */
  AnnounceRequest announceRequest(AnnounceEvent event, EngineConfig config, int port) {
    return new AnnounceRequest(
        metainfo.infoHash(),
        engine.peerId(),
        port,
        uploaded.get(),
        downloaded.get(),
        Math.max(0, metainfo.length() - storage.verifiedBytes()),
        event,
        50,
        Optional.ofNullable(config.announceHost()),
        Optional.empty(),
        config.announceParams());
  }

  /**
   * Stops: no more announces but "stopped", closes every connection and the file. Completes when
   * the "stopped" announce is answered or failed. Any thread.
   */
  CompletableFuture<Void> stop() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    execute(
        () -> {
          if (stopped) {
            done.complete(null);
            return;
          }
          stopped = true;
          announced.complete(false);
          if (ticker != null) {
            ticker.cancel(false);
          }
          for (Peer peer : new ArrayList<>(peers.values())) {
            peer.close("torrent removed");
          }
          // Arrays of pieces still being hashed or written are left to the garbage collector.
          for (int i = reservedPieces.nextSetBit(0); i >= 0; i = reservedPieces.nextSetBit(i + 1)) {
            release(i, false);
          }
          storage.close();
          completion.completeExceptionally(
              new IOException("torrent " + metainfo.infoHash() + " was removed"));
          CompletableFuture<Void> stoppedAnnounce =
              announcer == null ? CompletableFuture.completedFuture(null) : announcer.stop();
          stoppedAnnounce.whenComplete((v, e) -> done.complete(null));
        });
    return done;
  }

  /**
   * Periodic work, every {@link #TICK}: peers' timeouts and pipelines, the choker, dialing. Loop
   * only; tests with a manual clock call it directly.
   */
  void tick() {
    if (stopped) {
      return;
    }
    picker.setReaderPosition(storage.readerPosition());
    for (Peer peer : new ArrayList<>(peers.values())) {
      peer.tick();
    }
    runChoker();
    connectMore();
    if (peers.isEmpty() && dialing.isEmpty() && !isComplete() && announcer != null) {
      // Nobody to download from: ask the trackers again rather than wait a whole interval.
      announcer.requestPeers();
    }
  }

  // ---- Torrent (any thread) ----

  @Override
  public InfoHash infoHash() {
    return metainfo.infoHash();
  }

  @Override
  public Metainfo metainfo() {
    return metainfo;
  }

  @Override
  public CompletableFuture<Path> completion() {
    return completion.copy();
  }

  @Override
  public long verifiedBytes() {
    return storage.verifiedBytes();
  }

  @Override
  public boolean isComplete() {
    return storage.isComplete();
  }

  @Override
  public int connectedPeers() {
    return connected;
  }

  @Override
  public long uploadedBytes() {
    return uploaded.get();
  }

  @Override
  public long downloadedBytes() {
    return downloaded.get();
  }

  @Override
  public CompletableFuture<List<PeerSnapshot>> peers() {
    CompletableFuture<List<PeerSnapshot>> result = new CompletableFuture<>();
    try {
      execute(() -> result.complete(stopped ? List.of() : snapshotPeers()));
    } catch (RejectedExecutionException e) {
      result.complete(List.of()); // The engine closed: its loops are gone, and so are the peers.
    }
    return result;
  }

  /** Loop only. */
  private List<PeerSnapshot> snapshotPeers() {
    List<PeerSnapshot> snapshots = new ArrayList<>(peers.size());
    for (Peer peer : peers.values()) {
      if (peer.remoteAddress() == null) {
        continue; // Closed before its address was ever read; it is about to go.
      }
      snapshots.add(
          new PeerSnapshot(
              peer.remoteAddress(),
              peer.remoteId(),
              peer.isOutgoing(),
              peer.progress(),
              peer.downloadedBytes(),
              peer.uploadedBytes(),
              Math.round(peer.downloadRate()),
              Math.round(peer.uploadRate()),
              peer.amChoking(),
              peer.amInterested(),
              peer.peerChoking(),
              peer.isInterested()));
    }
    return List.copyOf(snapshots);
  }

  @Override
  public InputStream openStream(long offset) {
    InputStream stream = storage.openStream(offset);
    execute(
        () -> {
          picker.setReaderPosition(storage.readerPosition());
          refillAll();
        });
    return stream;
  }

  @Override
  public void addPeers(Collection<InetSocketAddress> addresses) {
    List<InetSocketAddress> copy = List.copyOf(addresses);
    execute(
        () -> {
          explicitCandidates.addAll(copy);
          connectMore();
        });
  }

  /** Peers from a tracker; ignored once complete (leechers dial seeds, not the other way). */
  void trackerPeers(List<InetSocketAddress> addresses) {
    if (!isComplete()) {
      trackerCandidates.addAll(addresses);
      connectMore();
    }
  }

  /** Peer ids of the open connections. Loop only (tests read it through a task). */
  Set<PeerId> connectedPeerIds() {
    return Set.copyOf(byPeerId.keySet());
  }

  /** Peer ids banned for sending corrupt data. Loop only (tests read it through a task). */
  Set<PeerId> bannedPeerIds() {
    return Set.copyOf(bannedIds);
  }

  // ---- Swarm (loop) ----

  @Override
  public void execute(Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
    } else {
      loop.execute(task);
    }
  }

  @Override
  public PeerId localPeerId() {
    return engine.peerId();
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
  public PieceStorage storage() {
    return storage;
  }

  @Override
  public InstantSource clock() {
    return clock;
  }

  @Override
  public boolean mayRequest() {
    return !stopped;
  }

  @Override
  public Peer attach(PeerLink link, Handshake handshake, boolean outgoing) {
    PeerId id = handshake.peerId();
    if (stopped || bannedIds.contains(id)) {
      return null;
    }
    Peer existing = byPeerId.get(id);
    if (existing != null) {
      // Both sides may dial each other at once. Keep the connection opened by the peer with the
      // lower id, which both sides agree on; if we opened both, keep the first.
      boolean newOpenedByUs = outgoing;
      boolean existingOpenedByUs = existing.isOutgoing();
      if (newOpenedByUs == existingOpenedByUs) {
        return null;
      }
      byte[] opener = newOpenedByUs ? localPeerId().bytes() : id.bytes();
      byte[] other = newOpenedByUs ? id.bytes() : localPeerId().bytes();
      if (Arrays.compareUnsigned(opener, other) > 0) {
        return null;
      }
      existing.close("duplicate connection");
      forget(existing);
    }
    if (peers.size() >= engine.config().maxConnectionsPerTorrent()) {
      return null;
    }
    Peer peer =
        new Peer(
            engine.nextPeerSequence(),
            id,
            outgoing,
            handshake.fastExtension(),
            REQUEST_DEPTH,
            link,
            this);
    peers.put(peer.id(), peer);
    byPeerId.put(id, peer);
    connected = peers.size();
    return peer;
  }

  /**
   * The picker wants to start {@code piece}: reserve memory for it. A torrent may always hold one
   * piece, and the piece a reader waits for; beyond that the engine-wide budget decides, and a
   * torrent that was refused is woken up when memory is given back.
   */
  private boolean reserve(int piece) {
    boolean first = reservedCount == 0 || piece == picker.urgentPiece();
    if (reservedPieces.get(piece)) {
      return true; // Still held, e.g. by a piece that failed its hash check.
    }
    if (!memory.tryReserve(geometry.pieceLength(), first, wakeUp)) {
      return false;
    }
    reservedPieces.set(piece);
    reservedCount++;
    return true;
  }

  /**
   * Gives back the memory of {@code piece}, and its array for reuse if {@code recycle} (not if a
   * disk task may still read it).
   */
  private void release(int piece, boolean recycle) {
    if (!reservedPieces.get(piece)) {
      return;
    }
    reservedPieces.clear(piece);
    reservedCount--;
    byte[] array = pieceArrays[piece];
    pieceArrays[piece] = null;
    memory.release(geometry.pieceLength(), array, recycle);
  }

  @Override
  public void blockArrived(
      Peer from, BlockRef block, ByteBuf data, PiecePicker.Received<Peer> received) {
    for (Peer other : received.cancel()) {
      other.cancel(block);
      other.flush();
    }
    int piece = block.piece().value();
    byte[] array;
    try {
      array = pieceArrays[piece];
      if (array == null) {
        if (!reservedPieces.get(piece)) {
          // Started before this session held memory for it (cannot happen with the budget set
          // in the constructor, but the data is here: keep it).
          memory.tryReserve(geometry.pieceLength(), true, wakeUp);
          reservedPieces.set(piece);
          reservedCount++;
        }
        array = memory.array(geometry.pieceLength());
        pieceArrays[piece] = array;
      }
      data.getBytes(data.readerIndex(), array, block.offset(), block.length());
    } finally {
      data.release();
    }
    if (received.pieceComplete()) {
      PieceIndex index = block.piece();
      boolean urgent = piece == picker.urgentPiece();
      storage
          .writePiece(index, array, urgent)
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
      release(piece.value(), true);
      picker.pieceVerified(piece);
      picker.setReaderPosition(storage.readerPosition());
      for (Peer peer : new ArrayList<>(peers.values())) {
        peer.pieceVerified(piece);
        peer.flush();
      }
      if (picker.isComplete()) {
        finish();
      }
      return;
    }
    // The piece keeps its memory: it is fetched again (on parole) into the same array.
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
    int count = strikes.merge(peer.remoteId(), 1, Integer::sum);
    if (count >= STRIKES_TO_BAN && !bannedIds.contains(peer.remoteId())) {
      LogKeys.peer(logAt(Level.WARN), peer.remoteAddress())
          .log("banning peer {}: {} pieces failed their hash check", peer.remoteId(), count);
      bannedIds.add(peer.remoteId());
      if (peer.isOutgoing()) {
        bannedAddresses.add(peer.remoteAddress());
      }
      peer.close("banned");
    }
  }

  private void finish() {
    if (finishing) {
      return;
    }
    finishing = true;
    trackerCandidates.clear();
    storage
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
                      logAt(Level.INFO).log("torrent complete: {}", path);
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
    storage.fail(cause);
    completion.completeExceptionally(cause);
    stop();
  }

  @Override
  public void interestChanged(Peer peer) {
    runChoker();
  }

  private void runChoker() {
    if (stopped || peers.isEmpty()) {
      return;
    }
    List<ChokeCandidate<Peer>> candidates = new ArrayList<>(peers.size());
    for (Peer peer : peers.values()) {
      candidates.add(
          new ChokeCandidate<>(
              peer, peer.id(), peer.wantsOurPieces(), !peer.amChoking(), peer.chokeStateSince()));
    }
    Set<Peer> unchoke = choker.unchoke(candidates);
    for (Peer peer : new ArrayList<>(peers.values())) {
      boolean choke = !unchoke.contains(peer);
      if (choke != peer.amChoking()) {
        peer.setChoking(choke);
        peer.flush();
      }
    }
  }

  @Override
  public void downloaded(Peer peer, int bytes) {
    downloaded.addAndGet(bytes);
  }

  @Override
  public void uploaded(Peer peer, int bytes) {
    uploaded.addAndGet(bytes);
  }

  @Override
  public void peerClosed(Peer peer) {
    forget(peer);
    if (stopped) {
      return;
    }
    runChoker();
    refillAll();
    connectMore();
  }

  private void forget(Peer peer) {
    peers.remove(peer.id());
    byPeerId.remove(peer.remoteId(), peer);
    connected = peers.size();
  }

  private void refillAll() {
    for (Peer peer : new ArrayList<>(peers.values())) {
      peer.refill();
      peer.flush();
    }
  }

  /** Dials candidates while the per-torrent and engine-wide connection caps allow. Loop only. */
  private void connectMore() {
    if (stopped) {
      return;
    }
    if (isComplete()) {
      trackerCandidates.clear();
    }
    int cap = engine.config().maxConnectionsPerTorrent();
    while (peers.size() + dialing.size() < cap) {
      InetSocketAddress address = next(explicitCandidates);
      if (address == null) {
        address = next(trackerCandidates);
      }
      if (address == null) {
        return;
      }
      if (dialing.contains(address)
          || dialed.contains(address)
          || bannedAddresses.contains(address)
          || engine.isSelf(address)) {
        continue;
      }
      Optional<ChannelFuture> connect = engine.connect(address, this);
      if (connect.isEmpty()) {
        return; // The engine-wide cap is reached.
      }
      InetSocketAddress dialedAddress = address;
      dialing.add(dialedAddress);
      connect
          .get()
          .addListener(
              (ChannelFuture f) ->
                  execute(
                      () -> {
                        dialing.remove(dialedAddress);
                        if (f.isSuccess()) {
                          dialed.add(dialedAddress);
                          f.channel()
                              .closeFuture()
                              .addListener(c -> execute(() -> dialed.remove(dialedAddress)));
                        } else {
                          LogKeys.peer(logAt(Level.DEBUG), dialedAddress)
                              .log("cannot connect: {}", f.cause().toString());
                        }
                      }));
    }
  }

  private static InetSocketAddress next(Set<InetSocketAddress> set) {
    var it = set.iterator();
    if (!it.hasNext()) {
      return null;
    }
    InetSocketAddress a = it.next();
    it.remove();
    return a;
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
