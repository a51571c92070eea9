package io.layerswarm.swarm.torrent;

import java.net.InetSocketAddress;

/**
 * Opens connections for one torrent: TCP through the engine, simulated connections in the
 * simulator. After its handshake a connection attaches to the torrent like an incoming one ({@link
 * io.layerswarm.swarm.peer.Swarm#attach}).
 */
public interface Dialer {
  /** Whether {@code address} is this host's own listening address. No I/O. */
  boolean isSelf(InetSocketAddress address);

  /**
   * Dials {@code address}. Returns false, without dialing, if the host's connection cap is reached.
   * Otherwise {@code events} hears on the torrent's loop that the dial failed, or that it connected
   * and later that the connection closed.
   */
  boolean dial(InetSocketAddress address, Events events);

  /** What becomes of one dial; called on the torrent's loop. */
  interface Events {
    void connected();

    void failed(Throwable cause);

    /** A connection that {@link #connected} closed. */
    void closed();
  }
}
