package io.layerswarm.tracker.announce;

import io.layerswarm.tracker.peerstore.AnnounceEvent;
import io.layerswarm.tracker.peerstore.Peer;
import io.layerswarm.tracker.peerstore.PeerAddress;
import io.layerswarm.tracker.peerstore.PeerLimits;
import io.layerswarm.tracker.peerstore.PeerStore;
import io.layerswarm.tracker.peerstore.PeerStoreFullException;
import io.layerswarm.tracker.peerstore.PeerStoreUnavailableException;
import io.layerswarm.tracker.peerstore.SwarmCounts;
import java.net.InetAddress;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /announce} (BEP 3) without the HTTP: the query in, the bencoded reply out.
 *
 * <p>A bad query is answered with a {@code failure reason} naming the parameter, and stores
 * nothing. A good one is recorded in the store under the peer's address, which is the connection's
 * (see {@link PeerSource}), with an expiry of now + peer TTL (or removes the entry at that address
 * on {@code stopped}), then answered with the swarm's counts and a selection of other peers (none
 * after {@code stopped}). When the store is unavailable the reply is the failure reason {@value
 * #STORE_UNAVAILABLE}, so the client retries or moves on to its next tracker; when it is full (a
 * {@link io.layerswarm.tracker.peerstore.PeerLimits} limit), the reason names the limit's config
 * key.
 *
 * <p>Thread-safe. It blocks as long as the store does, so the tracker calls it from its store pool,
 * never on an event loop.
 */
public final class AnnounceEndpoint {
  /**
   * The failure reason when the peer store cannot be reached; our clients know it and move on to
   * their next tracker, or to the origin, at once.
   */
  public static final String STORE_UNAVAILABLE =
      io.layerswarm.swarm.tracker.AnnounceCodec.STORE_UNAVAILABLE;

  private static final Logger log = LoggerFactory.getLogger(AnnounceEndpoint.class);
  private final PeerStore store;
  private final InstantSource clock;
  private final AnnouncePolicy policy;

  public AnnounceEndpoint(PeerStore store, InstantSource clock, AnnouncePolicy policy) {
    this.store = store;
    this.clock = clock;
    this.policy = policy;
  }

  /** {@link #announce(String, InetAddress, Optional)} without {@code X-Forwarded-For}. */
  public TrackerReply announce(String rawQuery, InetAddress remote) {
    return announce(rawQuery, remote, Optional.empty());
  }

  /**
   * @param rawQuery the request target after {@code ?}, still percent-encoded
   * @param remote the connection's source address: the peer's, unless it is a trusted proxy
   * @param forwardedFor the request's {@code X-Forwarded-For}, read only from a trusted proxy
   */
  public TrackerReply announce(String rawQuery, InetAddress remote, Optional<String> forwardedFor) {
    Parsed<AnnounceRequest> parsed = AnnounceRequest.parse(rawQuery);
    if (parsed instanceof Parsed.Invalid<AnnounceRequest> invalid) {
      return ReplyEncoder.failure(invalid.message());
    }
    AnnounceRequest request = ((Parsed.Valid<AnnounceRequest>) parsed).value();
    PeerAddress address;
    try {
      address = request.address(remote, forwardedFor, policy.trustedProxies());
    } catch (IllegalArgumentException e) {
      return ReplyEncoder.failure(e.getMessage());
    }
    Peer peer = new Peer(request.peerId(), address, request.complete(), request.topology());

    Instant now = clock.instant();
    SwarmCounts counts;
    List<Peer> peers;
    try {
      store.announce(request.infoHash(), peer, request.event(), now, now.plus(policy.peerTtl()));
      counts = store.counts(request.infoHash(), now);
      peers =
          request.event() == AnnounceEvent.STOPPED
              ? List.of()
              : store.select(
                  request.infoHash(),
                  peer,
                  request.effectiveNumwant(policy.defaultNumwant(), policy.maxNumwant()),
                  now);
    } catch (PeerStoreUnavailableException e) {
      log.debug("announce of {} to swarm {} failed", peer.address(), request.infoHash(), e);
      return ReplyEncoder.unavailable(STORE_UNAVAILABLE);
    } catch (PeerStoreFullException e) {
      // The swarm and store limits are the tracker's capacity; an address's is its own doing.
      return e.limit() == PeerLimits.Limit.PEERS_PER_ADDRESS
          ? ReplyEncoder.failure(e.getMessage())
          : ReplyEncoder.unavailable(e.getMessage());
    }
    return ReplyEncoder.announce(
        policy.interval(), policy.minInterval(), counts, peers, request.compact());
  }
}
