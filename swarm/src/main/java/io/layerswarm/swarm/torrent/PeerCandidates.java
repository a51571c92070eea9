package io.layerswarm.swarm.torrent;

import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.swarm.log.LogKeys;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whom a torrent connects to: addresses it was given (first) and addresses from trackers, each
 * dialed once while the caps allow, never while a connection to it is being opened or is open, and
 * never again once banned. Owned by the torrent's loop.
 */
final class PeerCandidates {
  private static final Logger log = LoggerFactory.getLogger(PeerCandidates.class);

  private final Metainfo metainfo;
  private final Dialer dialer;
  private final Set<InetSocketAddress> fromTrackers = new LinkedHashSet<>();
  private final Set<InetSocketAddress> given = new LinkedHashSet<>();
  private final Set<InetSocketAddress> dialing = new HashSet<>();
  private final Set<InetSocketAddress> dialed = new HashSet<>();

  /** Dialed and connected, the handshake not through yet: their slots are taken. */
  private final Set<InetSocketAddress> handshaking = new HashSet<>();

  private final Set<InetSocketAddress> banned = new HashSet<>();

  /**
   * @param metainfo names the torrent in log events
   */
  PeerCandidates(Metainfo metainfo, Dialer dialer) {
    this.metainfo = metainfo;
    this.dialer = dialer;
  }

  /** Addresses the caller asked for; dialed before the trackers' ones. */
  void addGiven(Collection<InetSocketAddress> addresses) {
    given.addAll(addresses);
  }

  void addFromTrackers(Collection<InetSocketAddress> addresses) {
    fromTrackers.addAll(addresses);
  }

  /** Forgets the trackers' addresses not dialed yet (a seed does not dial). */
  void clearFromTrackers() {
    fromTrackers.clear();
  }

  /** Never dials {@code address} again. */
  void ban(InetSocketAddress address) {
    banned.add(address);
  }

  /** Connections being opened now. */
  int dialing() {
    return dialing.size();
  }

  /** Connections we opened that are not attached yet: slots an incoming peer may not take. */
  int reserved() {
    return dialing.size() + handshaking.size();
  }

  /** Our dial to {@code address} finished its handshake (attached or refused). */
  void handshakeDone(InetSocketAddress address) {
    handshaking.remove(address);
  }

  /**
   * Dials candidates until {@code open} connections plus those being opened reach {@code cap}, or
   * the connections we opened reach half of it, the candidates run out, or the dialer refuses
   * (host-wide cap). The other half is left to peers that dial us: when every host of a scale-out
   * starts at once and each dialed up to its cap, each would refuse every other's dial and keep
   * nobody (decision 29).
   *
   * @param outgoing how many of the {@code open} connections we opened
   */
  void connectMore(int open, int outgoing, int cap) {
    int dialCap = (cap + 1) / 2;
    while (open + reserved() < cap && outgoing + reserved() < dialCap) {
      InetSocketAddress address = next(given);
      if (address == null) {
        address = next(fromTrackers);
      }
      if (address == null) {
        return;
      }
      if (dialing.contains(address)
          || dialed.contains(address)
          || banned.contains(address)
          || dialer.isSelf(address)) {
        continue;
      }
      InetSocketAddress target = address;
      boolean started =
          dialer.dial(
              target,
              new Dialer.Events() {
                @Override
                public void connected() {
                  dialing.remove(target);
                  dialed.add(target);
                  handshaking.add(target);
                }

                @Override
                public void failed(Throwable cause) {
                  dialing.remove(target);
                  LogKeys.peer(LogKeys.torrent(log.atDebug(), metainfo), target)
                      .log("cannot connect: {}", cause.toString());
                }

                @Override
                public void closed() {
                  dialed.remove(target);
                  handshaking.remove(target);
                }
              });
      if (!started) {
        return;
      }
      dialing.add(target);
    }
  }

  private static InetSocketAddress next(Set<InetSocketAddress> set) {
    Iterator<InetSocketAddress> it = set.iterator();
    if (!it.hasNext()) {
      return null;
    }
    InetSocketAddress a = it.next();
    it.remove();
    return a;
  }
}
