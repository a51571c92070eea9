package io.layerswarm.tracker.http;

import io.layerswarm.core.KeyedLimiter;
import io.layerswarm.tracker.announce.TrustedProxies;
import java.net.InetAddress;

/**
 * Counts the listener's open connections, in all and per source address, against {@link
 * ConnectionLimits}; trusted proxies have no per-address cap (they carry many clients).
 * Thread-safe.
 */
final class ConnectionLimiter {
  private final KeyedLimiter<InetAddress> limiter;
  private final TrustedProxies exempt;

  ConnectionLimiter(ConnectionLimits limits, TrustedProxies exempt) {
    this.limiter = new KeyedLimiter<>(limits.maxConnections(), limits.maxConnectionsPerAddress());
    this.exempt = exempt;
  }

  /** Reserves a place for a connection from {@code address}: null when admitted. */
  KeyedLimiter.Refusal admit(InetAddress address) {
    if (exempt.contains(address)) {
      return limiter.acquireTotal() ? null : KeyedLimiter.Refusal.TOTAL;
    }
    return limiter.acquire(address);
  }

  /** Gives back the place of an admitted connection from {@code address}. */
  void release(InetAddress address) {
    if (exempt.contains(address)) {
      limiter.releaseTotal();
    } else {
      limiter.release(address);
    }
  }

  int open() {
    return limiter.total();
  }
}
