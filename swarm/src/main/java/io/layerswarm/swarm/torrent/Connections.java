package io.layerswarm.swarm.torrent;

import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.swarm.peer.Peer;
import io.layerswarm.swarm.peer.PeerLink;
import io.layerswarm.swarm.peer.Swarm;
import io.layerswarm.swarm.wire.Handshake;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The connections of one torrent: when it dials its {@link PeerCandidates}, which handshaken
 * connections it keeps (one per peer id, within {@link TorrentPolicy#maxConnections}), and which
 * peer ids it refuses after too many corrupt pieces. Owned by the torrent's loop, except {@link
 * #connected()}, which any thread may read.
 */
final class Connections {
  private final PeerId localId;
  private final TorrentPolicy policy;
  private final LongSupplier peerSequence;
  private final Swarm swarm;
  private final PeerCandidates candidates;

  /** Told of every peer that leaves the open connections (the choker forgets it). */
  private final Consumer<Peer> left;

  private final Map<Long, Peer> peers = new LinkedHashMap<>();
  private final Map<PeerId, Peer> byPeerId = new HashMap<>();
  private final Set<PeerId> bannedIds = new HashSet<>();
  private final Map<PeerId, Integer> strikes = new HashMap<>();
  private volatile int connected;

  /** Whether {@link #closeAll} ran: no connection is kept or dialed after it. */
  private boolean closed;

  /**
   * @param localId our peer id, which both ends of a connection compare to settle duplicates
   * @param candidates whom to dial; the torrent adds to them
   * @param swarm the torrent the kept connections' peers belong to
   */
  Connections(
      PeerId localId,
      TorrentPolicy policy,
      LongSupplier peerSequence,
      PeerCandidates candidates,
      Swarm swarm,
      Consumer<Peer> left) {
    this.localId = localId;
    this.policy = policy;
    this.peerSequence = peerSequence;
    this.candidates = candidates;
    this.swarm = swarm;
    this.left = left;
  }

  /** See {@link Swarm#attach}: the new connection's peer, or null if it is not kept. */
  Peer attach(PeerLink link, Handshake handshake, boolean outgoing) {
    PeerId id = handshake.peerId();
    if (outgoing) {
      candidates.handshakeDone(link.remoteAddress());
    }
    if (closed || bannedIds.contains(id)) {
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
      byte[] opener = newOpenedByUs ? localId.bytes() : id.bytes();
      byte[] other = newOpenedByUs ? id.bytes() : localId.bytes();
      if (Arrays.compareUnsigned(opener, other) > 0) {
        return null;
      }
      existing.close("duplicate connection");
      forget(existing);
    }
    // A peer that dials us may not take the slot of one we dialed (it was counted when dialed).
    if (peers.size() + (outgoing ? 0 : candidates.reserved()) >= policy.maxConnections()
        && (outgoing || !makeRoom())) {
      return null;
    }
    Peer peer =
        new Peer(
            peerSequence.getAsLong(),
            id,
            outgoing,
            handshake.fastExtension(),
            handshake.extended(),
            policy.maxRequestDepth(),
            link,
            swarm);
    peers.put(peer.id(), peer);
    byPeerId.put(id, peer);
    connected = peers.size();
    return peer;
  }

  /**
   * A seed at its cap makes room for a peer that dials it by closing a connection to a peer that
   * said it wants nothing from us (another seed, or one that has what we have). Late arrivals
   * otherwise found every seed's slots held by such peers (decision 37). Returns whether it did.
   */
  private boolean makeRoom() {
    if (!swarm.isComplete()) {
      return false;
    }
    for (Peer peer : peers.values()) {
      if (peer.isSeed() || !peer.wantsOurPieces()) {
        peer.close("making room for a peer that dialed us: it wants nothing from us");
        forget(peer);
        return true;
      }
    }
    return false;
  }

  /** The peer's connection closed, or lost to a duplicate. */
  void forget(Peer peer) {
    left.accept(peer);
    peers.remove(peer.id());
    byPeerId.remove(peer.remoteId(), peer);
    connected = peers.size();
  }

  /**
   * Counts a piece that failed its hash check against {@code peer}, its only sender. Returns the
   * count if this strike bans the peer (its id is refused from now on, and its address never dialed
   * again if we dialed it); the caller closes the connection.
   */
  OptionalInt strike(Peer peer) {
    int count = strikes.merge(peer.remoteId(), 1, Integer::sum);
    if (count < policy.strikesToBan() || !bannedIds.add(peer.remoteId())) {
      return OptionalInt.empty();
    }
    if (peer.isOutgoing()) {
      candidates.ban(peer.remoteAddress());
    }
    return OptionalInt.of(count);
  }

  /** Keeps and dials no more connections, and closes the open ones. */
  void closeAll(String reason) {
    closed = true;
    for (Peer peer : list()) {
      peer.close(reason);
    }
  }

  /**
   * Dials candidates while the per-torrent and host-wide connection caps allow; a complete torrent
   * first drops the trackers' addresses.
   */
  void connectMore(boolean complete) {
    if (closed) {
      return;
    }
    if (complete) {
      candidates.clearFromTrackers();
    }
    int outgoing = 0;
    for (Peer peer : peers.values()) {
      outgoing += peer.isOutgoing() ? 1 : 0;
    }
    candidates.connectMore(peers.size(), outgoing, policy.maxConnections());
  }

  /** Whether no connection is open and none is being dialed. */
  boolean noneOpenOrDialing() {
    return peers.isEmpty() && candidates.dialing() == 0;
  }

  /** The open connections' peers, oldest first: a live view, read on the loop. */
  Collection<Peer> live() {
    return peers.values();
  }

  /** The open connections' peers, oldest first; a copy. */
  List<Peer> list() {
    return new ArrayList<>(peers.values());
  }

  /** How many connections are open. Any thread. */
  int connected() {
    return connected;
  }

  Set<PeerId> connectedIds() {
    return Set.copyOf(byPeerId.keySet());
  }

  Set<PeerId> bannedIds() {
    return Set.copyOf(bannedIds);
  }
}
