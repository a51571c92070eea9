package io.layerswarm.swarm.peer;

import io.layerswarm.swarm.wire.PeerMessage;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * The sending side of one peer connection, as a {@link Peer} sees it. Implementations queue
 * messages until {@link #flush()}, and are called from the torrent's event loop only.
 */
public interface PeerLink {
  /** Queues a message. Ownership of reference-counted messages passes to the link. */
  void send(PeerMessage message);

  /**
   * Queues a zero-copy block, and calls {@code written} on the torrent's event loop with whether it
   * reached the socket.
   */
  void send(PeerMessage.FileBlock block, Consumer<Boolean> written);

  /** Sends everything queued. */
  void flush();

  /** Closes the connection; {@link Peer#closed()} follows. */
  void close(String reason);

  InetSocketAddress remoteAddress();
}
