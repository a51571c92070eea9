package io.layerswarm.tracker.peerstore;

import io.layerswarm.core.metainfo.InfoHash;
import java.time.Instant;
import java.util.List;

/**
 * The tracker's memory of who is in which swarm (the seam Kraken calls {@code peerstore}). {@link
 * InMemoryPeerStore} serves one tracker replica; {@link RedisPeerStore} lets several replicas share
 * their swarms.
 *
 * <p>Time is always passed in: the store never reads a clock (nor asks its backend for the time),
 * so expiry is decided by the caller's {@link java.time.InstantSource}. A peer is live while {@code
 * now} is before its {@code expiresAt}; an expired peer is never handed out or counted, even before
 * {@link #sweep} removes it.
 *
 * <p>Implementations are thread-safe. A call may block for up to the store's own timeout (a network
 * round trip for Redis), so the tracker never calls a store on a Netty event loop: it calls from
 * its bounded store pool. A store that cannot answer throws {@link PeerStoreUnavailableException};
 * the in-memory store never does.
 *
 * <p>Whoever opens a store closes it, after the servers that use it.
 */
public interface PeerStore extends AutoCloseable {
  /**
   * Records one announce. A peer is keyed by its address (ip and port, which the tracker takes from
   * the connection), never by its peer id, so nobody can stop or move a peer at another address.
   * {@link AnnounceEvent#STOPPED} removes the entry at the peer's address; any other event inserts
   * or replaces it (whatever peer id it had: only one process can listen there), removes an entry
   * of the same peer id at the same ip but another port (the peer moved), and sets its expiry to
   * {@code expiresAt}. {@link AnnounceEvent#COMPLETED} from a peer not already known as a seed
   * counts one download.
   *
   * @param now the caller's current time; a store may trim the swarm's expired peers with it
   * @param expiresAt when the peer stops being live unless it announces again
   * @throws PeerStoreFullException when a new entry would exceed one of the store's {@link
   *     PeerLimits}; nothing changed
   */
  void announce(InfoHash infoHash, Peer peer, AnnounceEvent event, Instant now, Instant expiresAt)
      throws PeerStoreUnavailableException, PeerStoreFullException;

  /**
   * Picks up to {@code numwant} live peers of the swarm for {@code asker}, never the asker itself
   * (by ip:port, nor by peer id). The policy is {@link PeerSelector}'s; a store may apply it to a
   * uniform random sample of a very large swarm instead of to every member.
   */
  List<Peer> select(InfoHash infoHash, Peer asker, int numwant, Instant now)
      throws PeerStoreUnavailableException;

  /** Live seeds and leechers of one swarm, and its download count; zeros for an unknown swarm. */
  SwarmCounts counts(InfoHash infoHash, Instant now) throws PeerStoreUnavailableException;

  /**
   * Removes every peer that expired at {@code now}, and swarms left empty. Returns peers removed.
   */
  int sweep(Instant now) throws PeerStoreUnavailableException;

  /** Totals of live swarms and peers. May walk the whole store: for metrics, not per request. */
  StoreStats stats(Instant now) throws PeerStoreUnavailableException;

  /**
   * Every swarm with at least one live peer, with its counts, in no particular order. Walks the
   * whole store: for the admin API, not per request.
   *
   * <p>The default throws {@link UnsupportedOperationException}, for stores written before this
   * method; both stores here implement it.
   */
  default List<SwarmSummary> swarms(Instant now) throws PeerStoreUnavailableException {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot list swarms");
  }

  /**
   * Up to {@code limit} live peers of one swarm with their expiry, in {@link PeerEntry#ORDER}
   * (seeds first); when the swarm has more, which leechers (or seeds) are left out is the store's
   * choice. Empty for an unknown swarm or a limit of 0 or less. For the admin API.
   *
   * <p>The default throws {@link UnsupportedOperationException}, as for {@link #swarms}.
   */
  default List<PeerEntry> peers(InfoHash infoHash, Instant now, int limit)
      throws PeerStoreUnavailableException {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot list peers");
  }

  /** Returns if the store can serve requests now (for {@code /healthz}); cheap. */
  default void check() throws PeerStoreUnavailableException {}

  /** Releases connections and threads. Idempotent; bounded. */
  @Override
  default void close() {}
}
