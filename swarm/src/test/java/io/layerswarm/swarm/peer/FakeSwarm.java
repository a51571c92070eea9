package io.layerswarm.swarm.peer;

import com.google.common.util.concurrent.MoreExecutors;
import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.core.metainfo.PieceIndex;
import io.layerswarm.core.metainfo.TorrentGeometry;
import io.layerswarm.swarm.sched.PiecePicker;
import io.layerswarm.swarm.sched.StreamingRarestFirstPicker;
import io.layerswarm.swarm.storage.PieceStorage;
import io.layerswarm.swarm.wire.Handshake;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

/** A swarm of one peer, over real storage and the real picker, with a settable clock. */
final class FakeSwarm implements Swarm {
  final Metainfo metainfo;
  final TorrentGeometry geometry;
  final PieceStorage storage;
  final StreamingRarestFirstPicker<Peer> picker;
  final List<BlockRef> arrived = new ArrayList<>();
  int interestChanges;
  long wasted;
  boolean complete;

  /** Whether we serve any request, verified or not (the data is never read here). */
  boolean uploadsAnything;

  /** Whether we play a seed that offers pieces one by one. */
  boolean offers;

  /** A swarm for a blob of {@code pieces} zero pieces of 32 KiB, downloaded into {@code dir}. */
  static FakeSwarm download(Path dir, int pieces) throws IOException {
    Path file = Files.write(dir.resolve("source"), new byte[pieces * 32 * 1024]);
    Metainfo metainfo = Metainfo.create(file, "x", List.of(), 32 * 1024);
    return new FakeSwarm(
        metainfo,
        PieceStorage.download(
            metainfo, dir.resolve("p"), dir.resolve("f"), MoreExecutors.directExecutor()));
  }

  FakeSwarm(Metainfo metainfo, PieceStorage storage) {
    this.metainfo = metainfo;
    this.geometry = metainfo.geometry();
    this.storage = storage;
    this.picker =
        new StreamingRarestFirstPicker<>(
            geometry, new BitSet(), 2, Duration.ofSeconds(10), clock(), new SplittableRandom(1));
  }

  @Override
  public void execute(Runnable task) {
    task.run();
  }

  @Override
  public PeerId localPeerId() {
    return PeerId.random();
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
    return storage.verified();
  }

  @Override
  public boolean mayUpload(Peer peer, PieceIndex piece) {
    return uploadsAnything || storage.isVerified(piece);
  }

  Instant now = Instant.parse("2024-01-01T00:00:00Z");

  @Override
  public InstantSource clock() {
    return () -> now;
  }

  @Override
  public boolean isComplete() {
    return complete;
  }

  @Override
  public boolean mayRequest() {
    return true;
  }

  @Override
  public Peer attach(PeerLink link, Handshake handshake, boolean outgoing) {
    return null;
  }

  @Override
  public void blockArrived(
      Peer from, BlockRef block, ByteBuf data, PiecePicker.Received<Peer> received) {
    arrived.add(block);
  }

  @Override
  public boolean offersPieces() {
    return offers;
  }

  @Override
  public void peerHas(Peer peer, PieceIndex piece) {}

  @Override
  public void wasted(Peer peer, int bytes) {
    wasted += bytes;
  }

  @Override
  public void interestChanged(Peer peer) {
    interestChanges++;
  }

  @Override
  public void downloaded(Peer peer, int bytes) {}

  @Override
  public void uploadQueued(Peer peer, BlockRef block) {}

  @Override
  public void uploaded(Peer peer, BlockRef block) {}

  @Override
  public void peerClosed(Peer peer) {}
}
