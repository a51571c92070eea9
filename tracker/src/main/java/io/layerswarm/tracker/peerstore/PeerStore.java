package io.layerswarm.tracker.peerstore;

import io.layerswarm.swarm.metainfo.InfoHash;
import java.time.Instant;
import java.util.List;

/**
 * The tracker's memory of who is in which swarm (the seam Kraken calls {@code peerstore}).
 *
 * <p>Time is always passed in: the store never reads a clock, so expiry is decided by the caller's
 * {@link java.time.InstantSource}. A peer is live while {@code now} is before its {@code expiresAt};
 * an expired peer is never handed out or counted, even before {@link #sweep} removes it.
 *
 * <p>Implementations are thread-safe. They are called on Netty event-loop threads, so an
 * operation must not block for long: the in-memory store takes one short per-swarm lock. (A
 * networked store, such as the planned Redis one, will need the server to move store calls off
 * the event loop.)
 */
public interface PeerStore {
  /**
   * Records one announce. {@link AnnounceEvent#STOPPED} removes the peer; any other event inserts
   * or replaces it (matched by peer id; an entry of another id at the same ip:port is replaced
   * too, since only one process can listen there) and sets its expiry to {@code expiresAt}.
   * {@link AnnounceEvent#COMPLETED} from a peer not already known as a seed counts one download.
   */
  void announce(InfoHash infoHash, Peer peer, AnnounceEvent event, Instant expiresAt);

  /**
   * Picks up to {@code numwant} live peers of the swarm for {@code asker}, never the asker itself
   * (by peer id, nor by ip:port). The policy is {@link PeerSelector}'s.
   */
  List<Peer> select(InfoHash infoHash, Peer asker, int numwant, Instant now);

  /** Live seeds and leechers of one swarm, and its download count; zeros for an unknown swarm. */
  SwarmCounts counts(InfoHash infoHash, Instant now);

  /** Removes every peer that expired at {@code now}, and swarms left empty. Returns peers removed. */
  int sweep(Instant now);

  /** Totals of live swarms and peers. May walk the whole store: for metrics, not per request. */
  StoreStats stats(Instant now);
}
