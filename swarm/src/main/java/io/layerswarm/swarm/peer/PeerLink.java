package io.layerswarm.swarm.peer;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.swarm.wire.PeerMessage;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * The sending side of one peer connection, as a {@link Peer} sees it: a Netty channel in the
 * engine, a simulated connection in the simulator. Implementations queue messages until {@link
 * #flush()}, and are called from the torrent's loop only.
 */
public interface PeerLink {
  /** Queues a message. Ownership of reference-counted messages passes to the link. */
  void send(PeerMessage message);

  /**
   * Queues a piece message with the data of {@code block}, a block of a verified piece, which the
   * link reads from the torrent's storage itself (zero-copy in the engine). Calls {@code written}
   * on the torrent's loop, later, with whether it reached the socket.
   */
  void sendBlock(BlockRef block, Consumer<Boolean> written);

  /** Sends everything queued. */
  void flush();

  /** Closes the connection; {@link Peer#closed()} follows. */
  void close(String reason);

  /**
   * Closes the connection and refuses the peer's address for a while, in both directions: it broke
   * a limit or sent corrupt data, and a new peer id or port would not make it another peer. {@link
   * Peer#closed()} follows. A link without an address book (a test's) just closes.
   */
  default void ban(String reason) {
    close(reason);
  }

  InetSocketAddress remoteAddress();
}
