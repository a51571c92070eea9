package io.layerswarm.swarm.peer;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.swarm.wire.PeerMessage;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A peer link that records what the peer sends. */
final class FakeLink implements PeerLink {
  final List<PeerMessage> sent = new ArrayList<>();
  final List<BlockRef> blocksSent = new ArrayList<>();
  String closed;
  String banned;

  /** Whether blocks stay in flight until {@link #completeWrites}; otherwise written at once. */
  boolean holdWrites;

  private final List<Consumer<Boolean>> inFlight = new ArrayList<>();

  /** The blocks held in flight leave the socket. */
  void completeWrites() {
    List<Consumer<Boolean>> done = new ArrayList<>(inFlight);
    inFlight.clear();
    done.forEach(written -> written.accept(true));
  }

  @Override
  public void send(PeerMessage message) {
    sent.add(message);
  }

  @Override
  public void sendBlock(BlockRef block, Consumer<Boolean> written) {
    blocksSent.add(block);
    if (holdWrites) {
      inFlight.add(written);
    } else {
      written.accept(true);
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close(String reason) {
    closed = reason;
  }

  @Override
  public void ban(String reason) {
    banned = reason;
    closed = reason;
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return new InetSocketAddress("127.0.0.1", 1);
  }
}
