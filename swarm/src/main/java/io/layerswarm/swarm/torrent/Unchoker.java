package io.layerswarm.swarm.torrent;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.PieceIndex;
import io.layerswarm.core.metainfo.TorrentGeometry;
import io.layerswarm.swarm.peer.Peer;
import io.layerswarm.swarm.sched.ChokeCandidate;
import io.layerswarm.swarm.sched.Choker;
import io.layerswarm.swarm.sched.RoundRobinChoker;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Whom a torrent uploads to, and what: applies the choker's decisions to its peers and, while the
 * torrent is the initial seed, offers each unchoked peer pieces through {@link SuperSeeder} (HAVE
 * messages) and serves only those. Owned by the torrent's loop.
 */
final class Unchoker {
  private final Choker<Peer> choker;
  private final InstantSource clock;
  private final int slots;

  /** An unchoked peer that asked for nothing this long counts as idle; zero: none does. */
  private final Duration idleSlot;

  /** See {@link #waiting}. */
  private boolean waiting;

  /** The torrent's open connections, oldest first; a read-only view. */
  private final Collection<Peer> peers;

  private final int pieceCount;

  /** Offers pieces one by one while this torrent is the initial seed; null otherwise. */
  private final SuperSeeder<Peer> superSeeder;

  /**
   * @param complete whether the torrent starts complete (an initial seed may super-seed)
   * @param peers the torrent's open connections, a live view read on each call
   */
  Unchoker(
      TorrentPolicy policy,
      InstantSource clock,
      TorrentGeometry geometry,
      boolean complete,
      Collection<Peer> peers) {
    this.choker = new RoundRobinChoker<>(policy.uploadSlots(), policy.chokeTurn(), clock);
    this.clock = clock;
    this.slots = policy.uploadSlots();
    this.idleSlot = policy.idleSlot();
    this.peers = Collections.unmodifiableCollection(peers);
    this.pieceCount = geometry.pieceCount();
    this.superSeeder =
        policy.superSeedOffers() > 0 && complete
            ? new SuperSeeder<>(pieceSizes(geometry), policy.superSeedOffers())
            : null;
  }

  private static int[] pieceSizes(TorrentGeometry geometry) {
    int[] sizes = new int[geometry.pieceCount()];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = geometry.pieceSize(i);
    }
    return sizes;
  }

  /** Whether pieces are offered one by one (then announced only as offers). */
  boolean offersPieces() {
    return superSeeder != null;
  }

  /** Whether {@code peer} may get {@code piece}: always, unless it is not offered to it. */
  boolean offered(Peer peer, PieceIndex piece) {
    return superSeeder == null || superSeeder.isOffered(peer, piece.value());
  }

  /** A tick passed for {@code peer}: its stale offers go back. */
  void ticked(Peer peer) {
    if (superSeeder != null) {
      superSeeder.tick(peer);
    }
  }

  /**
   * Whether an unchoked peer has asked us for nothing for {@link TorrentPolicy#idleSlot}: then
   * {@link #run} may give its slot to a waiting peer. A cheap look, without the choker.
   */
  boolean anyIdle() {
    if (idleSlot.isZero()) {
      return false;
    }
    Instant cutoff = clock.instant().minus(idleSlot);
    for (Peer peer : peers) {
      if (!peer.amChoking() && peer.unchokedIdleSince(cutoff)) {
        return true;
      }
    }
    return false;
  }

  /** After the peers' ticks: offers afresh what went back or whose holders left. */
  void offerAfresh() {
    if (superSeeder != null) {
      int[] copies = copies();
      for (Peer peer : new ArrayList<>(peers)) {
        if (!peer.amChoking() && !peer.isClosed() && offer(peer, copies)) {
          peer.flush();
        }
      }
    }
  }

  /**
   * Runs the choker over the peers and sends the chokes and unchokes that changed. Returns whether
   * more peers want a slot than there are slots (then an idle peer's slot may go to another: run
   * again after {@link TorrentPolicy#idleSlot}).
   */
  boolean run() {
    if (peers.isEmpty()) {
      return false;
    }
    // Runs on every change of interest: one snapshot, and candidates only for the peers that want
    // our pieces, as the round-robin choker never unchokes the others.
    Peer[] all = peers.toArray(new Peer[0]);
    Instant idleCutoff = idleSlot.isZero() ? null : clock.instant().minus(idleSlot);
    List<ChokeCandidate<Peer>> chokeCandidates = new ArrayList<>(all.length);
    for (Peer peer : all) {
      // A super seed offers pieces only to peers it unchokes, and they are not interested before
      // an offer: it counts every peer that is not known to be complete as wanting its pieces.
      if (peer.wantsOurPieces() || (superSeeder != null && !peer.isSeed())) {
        chokeCandidates.add(
            new ChokeCandidate<>(
                peer,
                peer.id(),
                true,
                !peer.amChoking(),
                peer.chokeStateSince(),
                idleCutoff != null && peer.unchokedIdleSince(idleCutoff)));
      }
    }
    Set<Peer> unchoke = choker.unchoke(chokeCandidates);
    for (Peer peer : all) {
      boolean choke = !unchoke.contains(peer);
      if (choke != peer.amChoking()) {
        peer.setChoking(choke);
        if (superSeeder != null) {
          if (choke) {
            superSeeder.withdraw(peer);
          } else {
            offer(peer);
          }
        }
        peer.flush();
      }
    }
    waiting = chokeCandidates.size() > slots;
    return waiting;
  }

  /** Whether, at the last {@link #run}, more peers wanted a slot than there are slots. */
  boolean waiting() {
    return waiting;
  }

  /** {@code peer} announced {@code piece}: if it took an offer, top it up. */
  void peerHas(Peer peer, PieceIndex piece) {
    if (superSeeder != null
        && superSeeder.announced(peer, piece.value())
        && !peer.amChoking()
        && !peer.isClosed()) {
      offer(peer);
    }
  }

  /** {@code peer} asked for {@code block}, and the request was queued. */
  void asked(Peer peer, BlockRef block) {
    if (superSeeder != null) {
      superSeeder.asked(peer, block.piece().value());
    }
  }

  /** {@code block} went out to {@code peer}: if that completed an offer, top it up. */
  void uploaded(Peer peer, BlockRef block) {
    if (superSeeder != null
        && superSeeder.uploaded(peer, block.piece().value(), block.length())
        && !peer.amChoking()
        && !peer.isClosed()) {
      offer(peer);
      peer.flush();
    }
  }

  /** {@code peer} left: its offers not taken go back. */
  void left(Peer peer) {
    if (superSeeder != null) {
      superSeeder.withdraw(peer);
    }
  }

  /** Tops up the pieces offered to an unchoked peer, as HAVE messages. */
  private void offer(Peer peer) {
    offer(peer, copies());
  }

  /** Returns whether anything was offered. */
  private boolean offer(Peer peer, int[] copies) {
    List<Integer> offers = superSeeder.topUp(peer, peer.pieces(), copies);
    for (int piece : offers) {
      peer.offer(new PieceIndex(piece));
    }
    return !offers.isEmpty();
  }

  /** By piece, how many connected peers announced it. */
  private int[] copies() {
    int[] copies = new int[pieceCount];
    for (Peer peer : peers) {
      BitSet has = peer.pieces();
      for (int i = has.nextSetBit(0); i >= 0; i = has.nextSetBit(i + 1)) {
        copies[i]++;
      }
    }
    return copies;
  }
}
