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

  /**
   * Dials candidates until {@code open} connections plus those being opened reach {@code cap}, the
   * candidates run out, or the dialer refuses (host-wide cap).
   */
  void connectMore(int open, int cap) {
    while (open + dialing.size() < cap) {
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
