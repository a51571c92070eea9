package io.layerswarm.swarm.torrent;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.swarm.loop.ManualLoop;
import io.layerswarm.swarm.peer.Peer;
import io.layerswarm.swarm.peer.PeerLink;
import io.layerswarm.swarm.storage.InMemoryPieceStore;
import io.layerswarm.swarm.wire.Handshake;
import io.layerswarm.swarm.wire.PeerMessage;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Connects two torrent cores on one {@link ManualLoop} without sockets: each flush delivers the
 * messages to the other side's peer as one loop task, and blocks are read from the sender's
 * in-memory store. Messages sent are recorded for the test to look at.
 */
final class MemoryLinks {
  private MemoryLinks() {}

  /** One end's view of a host: its core, its store and the address others reach it at. */
  record Host(TorrentCore core, InMemoryPieceStore store, InetSocketAddress address) {}

  /** Both ends of a connection that the first host opened. */
  record Connection(Link fromDialer, Link fromAccepter) {}

  /** Attaches {@code dialer} and {@code accepter} to each other and starts both peers. */
  static Connection connect(ManualLoop loop, Host dialer, Host accepter) {
    Link out = new Link(loop, dialer.store(), accepter.address());
    Link in = new Link(loop, accepter.store(), dialer.address());
    out.other = in;
    in.other = out;
    out.local =
        dialer
            .core()
            .attach(
                out,
                new Handshake(dialer.core().infoHash(), accepter.core().localPeerId(), true),
                true);
    in.local =
        accepter
            .core()
            .attach(
                in,
                new Handshake(accepter.core().infoHash(), dialer.core().localPeerId(), true),
                false);
    if (out.local == null || in.local == null) {
      out.close("refused");
      return new Connection(out, in);
    }
    out.local.start();
    in.local.start();
    return new Connection(out, in);
  }

  /** One direction: what a host sends to the other. */
  static final class Link implements PeerLink {
    private final ManualLoop loop;
    private final InMemoryPieceStore store;
    private final InetSocketAddress remote;
    private List<Object> queued = new ArrayList<>();
    final List<PeerMessage> sent = new ArrayList<>();
    final List<BlockRef> blocksSent = new ArrayList<>();
    Link other;
    Peer local;
    String closed;

    /** Why the link was banned ({@link PeerLink#ban}), if it was. */
    String banned;

    /** Whether blocks sent are lost on the way (the sender thinks they were written). */
    boolean loseBlocks;

    Link(ManualLoop loop, InMemoryPieceStore store, InetSocketAddress remote) {
      this.loop = loop;
      this.store = store;
      this.remote = remote;
    }

    Peer peer() {
      return local;
    }

    @Override
    public void send(PeerMessage message) {
      sent.add(message);
      queued.add(message);
    }

    @Override
    public void sendBlock(BlockRef block, Consumer<Boolean> written) {
      blocksSent.add(block);
      queued.add(new Block(block, written));
    }

    @Override
    public void flush() {
      if (queued.isEmpty()) {
        return;
      }
      List<Object> batch = queued;
      queued = new ArrayList<>();
      loop.execute(() -> deliver(batch));
    }

    private void deliver(List<Object> batch) {
      for (Object o : batch) {
        boolean open = closed == null && other.closed == null && other.local != null;
        if (o instanceof Block b) {
          if (open && !loseBlocks) {
            other.local.handle(
                new PeerMessage.Piece(
                    b.block.piece(),
                    b.block.offset(),
                    Unpooled.wrappedBuffer(store.read(b.block))));
          }
          b.written.accept(open);
        } else if (open) {
          other.local.handle((PeerMessage) o);
        } else {
          ReferenceCountUtil.release(o);
        }
      }
    }

    @Override
    public void close(String reason) {
      if (closed != null) {
        return;
      }
      closed = reason;
      other.closed = "closed by the other end";
      loop.execute(
          () -> {
            if (local != null) {
              local.closed();
            }
            if (other.local != null) {
              other.local.closed();
            }
          });
    }

    @Override
    public void ban(String reason) {
      banned = reason;
      close(reason);
    }

    @Override
    public InetSocketAddress remoteAddress() {
      return remote;
    }

    private record Block(BlockRef block, Consumer<Boolean> written) {}
  }
}
