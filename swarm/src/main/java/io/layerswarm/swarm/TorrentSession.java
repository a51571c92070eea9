package io.layerswarm.swarm;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.swarm.channel.Endpoint;
import io.layerswarm.swarm.peer.Peer;
import io.layerswarm.swarm.storage.FilePieceStore;
import io.layerswarm.swarm.storage.PieceMemory;
import io.layerswarm.swarm.storage.PieceStorage;
import io.layerswarm.swarm.torrent.Dialer;
import io.layerswarm.swarm.torrent.TorrentCore;
import io.layerswarm.swarm.torrent.TorrentPolicy;
import io.layerswarm.swarm.torrent.TorrentPorts;
import io.layerswarm.swarm.tracker.AnnounceEvent;
import io.layerswarm.swarm.tracker.AnnounceRequest;
import io.layerswarm.swarm.tracker.Announcer;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * One torrent of a {@link SwarmEngine}: the Netty shell around its {@link TorrentCore}. It gives
 * the core an event loop, the torrent's file, the engine's TCP dialer and the HTTP announcer, and
 * answers the {@link Torrent} API from any thread by reading the core's counters or submitting
 * tasks to its loop. It decides nothing itself.
 */
final class TorrentSession implements Torrent {
  private final SwarmEngine engine;
  private final Metainfo metainfo;
  private final PieceStorage storage;
  private final NettyLoop loop;
  private final TorrentCore core;
  private final Endpoint endpoint;
  private final CompletableFuture<Optional<String>> trackersDown = new CompletableFuture<>();

  TorrentSession(
      SwarmEngine engine,
      Metainfo metainfo,
      PieceStorage storage,
      PieceMemory memory,
      EventLoop eventLoop,
      InstantSource clock,
      TorrentPolicy policy,
      SplittableRandom random) {
    this.engine = engine;
    this.metainfo = metainfo;
    this.storage = storage;
    this.loop = new NettyLoop(eventLoop);
    FilePieceStore store = new FilePieceStore(storage, memory);
    this.core =
        new TorrentCore(
            metainfo,
            engine.peerId(),
            policy,
            new TorrentPorts(
                loop, clock, random, store, memory, new ChannelDialer(), engine::nextPeerSequence));
    this.endpoint = new Endpoint(core, store::region);
  }

  EventLoop loop() {
    return loop.eventLoop();
  }

  /** The loop the torrent lives on, as the announcer needs it. */
  NettyLoop nettyLoop() {
    return loop;
  }

  /** What this torrent's connections attach to. */
  Endpoint endpoint() {
    return endpoint;
  }

  /** The torrent's file; tests read what it verified. */
  PieceStorage storage() {
    return storage;
  }

  /** Starts ticking and announcing. Any thread. */
  void start(Announcer announcer) {
    announcer.trackersDown().thenAccept(trackersDown::complete);
    execute(() -> core.start(announcer));
  }

  @Override
  public CompletableFuture<Boolean> announced() {
    return core.announced();
  }

  @Override
  public CompletableFuture<Optional<String>> trackersDown() {
    return trackersDown;
  }

  /** The announce parameters for {@code event}, from the current counters. Loop only. */
  AnnounceRequest announceRequest(AnnounceEvent event, EngineConfig config, int port) {
    return core.announceRequest(
        event, port, Optional.ofNullable(config.announceHost()), config.announceQuery());
  }

  /**
   * Stops: no more announces but "stopped", closes every connection and the file. Completes when
   * the "stopped" announce is answered or failed. Any thread.
   */
  CompletableFuture<Void> stop() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    execute(() -> core.stop().whenComplete((v, e) -> done.complete(null)));
    return done;
  }

  /** Periodic work; see {@link TorrentCore#tick}. Loop only; tests call it with a manual clock. */
  void tick() {
    core.tick();
  }

  /** Peers from a tracker. Loop only. */
  void trackerPeers(List<InetSocketAddress> addresses) {
    core.trackerPeers(addresses);
  }

  /** Peer ids of the open connections. Loop only (tests read it through a task). */
  Set<PeerId> connectedPeerIds() {
    return core.connectedPeerIds();
  }

  /** Peer ids banned for sending corrupt data. Loop only (tests read it through a task). */
  Set<PeerId> bannedPeerIds() {
    return core.bannedPeerIds();
  }

  /** Runs {@code task} on the torrent's loop (now, if already on it). */
  void execute(Runnable task) {
    core.execute(task);
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
    return core.completion().copy();
  }

  @Override
  public long verifiedBytes() {
    return core.verifiedBytes();
  }

  @Override
  public boolean isComplete() {
    return storage.isComplete();
  }

  @Override
  public int connectedPeers() {
    return core.connectedPeers();
  }

  @Override
  public long uploadedBytes() {
    return core.uploadedBytes();
  }

  @Override
  public long downloadedBytes() {
    return traffic().downloadedBytes();
  }

  @Override
  public long duplicateBytes() {
    return core.wastedBytes();
  }

  /** The counters now. Any thread. */
  Traffic traffic() {
    // Duplicates first: a peer counts a block as received before as wasted, so this read never
    // finds more duplicates than received bytes.
    long duplicates = core.wastedBytes();
    long received = core.downloadedBytes();
    return new Traffic(core.uploadedBytes(), received - duplicates, duplicates);
  }

  @Override
  public CompletableFuture<List<PeerSnapshot>> peers() {
    CompletableFuture<List<PeerSnapshot>> result = new CompletableFuture<>();
    try {
      execute(() -> result.complete(core.isStopped() ? List.of() : snapshotPeers()));
    } catch (RejectedExecutionException e) {
      result.complete(List.of()); // The engine closed: its loops are gone, and so are the peers.
    }
    return result;
  }

  /** Loop only. */
  private List<PeerSnapshot> snapshotPeers() {
    List<Peer> peers = core.peerList();
    List<PeerSnapshot> snapshots = new ArrayList<>(peers.size());
    for (Peer peer : peers) {
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
              peer.isInterested(),
              peer.location(),
              peer.tier()));
    }
    return List.copyOf(snapshots);
  }

  @Override
  public InputStream openStream(long offset) {
    InputStream stream = storage.openStream(offset);
    execute(core::readerMoved);
    return stream;
  }

  @Override
  public void addPeers(Collection<InetSocketAddress> addresses) {
    List<InetSocketAddress> copy = List.copyOf(addresses);
    execute(() -> core.addPeers(copy));
  }

  @Override
  public String toString() {
    return "Torrent[" + metainfo.infoHash() + "]";
  }

  /**
   * Dials through the engine's TCP bootstrap; the connection's handshake routes to {@link #core}.
   */
  private final class ChannelDialer implements Dialer {
    @Override
    public boolean isSelf(InetSocketAddress address) {
      return engine.isSelf(address);
    }

    @Override
    public boolean dial(InetSocketAddress address, Events events) {
      if (engine.isBanned(address)) {
        // Refused like a failed dial (later, as the port promises), not like a full host.
        loop.execute(() -> events.failed(new IOException("the address " + address + " is banned")));
        return true;
      }
      Optional<ChannelFuture> connect = engine.connect(address, TorrentSession.this);
      if (connect.isEmpty()) {
        return false;
      }
      connect
          .get()
          .addListener(
              (ChannelFuture f) ->
                  execute(
                      () -> {
                        if (f.isSuccess()) {
                          events.connected();
                          f.channel().closeFuture().addListener(c -> execute(events::closed));
                        } else {
                          events.failed(f.cause());
                        }
                      }));
      return true;
    }
  }
}
