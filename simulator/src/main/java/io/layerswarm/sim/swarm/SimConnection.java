package io.layerswarm.sim.swarm;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.sim.net.CloseCause;
import io.layerswarm.sim.net.Connection;
import io.layerswarm.sim.net.Direction;
import io.layerswarm.swarm.peer.Peer;
import io.layerswarm.swarm.peer.PeerLink;
import io.layerswarm.swarm.torrent.Dialer;
import io.layerswarm.swarm.wire.Handshake;
import io.layerswarm.swarm.wire.PeerMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A peer connection between two simulated engines, over one connection of the simulated network:
 * the BEP 3 handshake each way, then each end's {@link Peer} talking through a {@link PeerLink}.
 * Both ends are cluster members, as agents and seeders with a cluster secret are: the fast and
 * extension bits are set, so each sends its extended handshake (decision 35). The membership
 * proofs' extra round trip is not modelled. What a flush sends becomes network messages of their
 * wire size: the control messages of one flush travel together, as they would in one TCP write, and
 * each block is a message of its own. Blocks carry no bytes: the receiver gets a buffer of the
 * right length that nobody reads.
 */
final class SimConnection {
  private static byte[] zeros = new byte[0];

  private final Cluster cluster;
  private final Connection connection;
  final End dialer;
  final End accepter;

  private SimConnection(Cluster cluster, Connection connection, SimHost from, SimHost to) {
    this.cluster = cluster;
    this.connection = connection;
    this.dialer = new End(from, connection.from(from.netHost()));
    this.accepter = new End(to, connection.from(to.netHost()));
    dialer.other = accepter;
    accepter.other = dialer;
    connection.onClose(from.netHost(), (c, cause) -> dialer.connectionClosed(cause));
    connection.onClose(to.netHost(), (c, cause) -> accepter.connectionClosed(cause));
  }

  /**
   * Opens a connection from {@code from} to {@code to} for {@code torrent}, tells {@code events}
   * that it connected, and sends the handshake.
   */
  static void open(
      Cluster cluster, SimHost from, SimTorrent torrent, SimHost to, Dialer.Events events) {
    Connection c = cluster.network().connect(from.netHost(), to.netHost());
    SimConnection sc = new SimConnection(cluster, c, from, to);
    sc.dialer.torrent = torrent;
    sc.dialer.events = events;
    sc.dialer.counted = true; // The dialing host reserved it.
    cluster.loop().execute(events::connected);
    sc.dialer.sendHandshake(torrent.infoHash());
  }

  /** A buffer of {@code length} zeros, shared and never written, for a block's data. */
  private static ByteBuf zeros(int length) {
    if (zeros.length < length) {
      zeros = new byte[Math.max(length, 2 * zeros.length)];
    }
    return Unpooled.wrappedBuffer(zeros, 0, length);
  }

  /** A block on its way, and whom to tell when it is through. */
  private record BlockSend(BlockRef block, Consumer<Boolean> written) {}

  /** One end of the connection: what its host sends, and what it receives. */
  final class End implements PeerLink {
    private final SimHost host;
    private final Direction out;
    private End other;
    private SimTorrent torrent;
    private Dialer.Events events;
    private Peer peer;
    private List<Object> pending = new ArrayList<>();

    /** The list the last flush sent from, emptied: the next flush swaps it in, so none is made. */
    private List<Object> spare = new ArrayList<>();

    private boolean counted;

    // What this end receives, made once rather than per message.
    private final Consumer<List<PeerMessage>> batchReceiver = this::batchArrived;
    private final Consumer<BlockSend> blockReceiver = this::blockArrived;

    End(SimHost host, Direction out) {
      this.host = host;
      this.out = out;
    }

    void sendHandshake(InfoHash infoHash) {
      out.send(
          WireSize.handshake(),
          other::handshakeArrived,
          new Handshake(infoHash, host.peerId(), true, true, true));
    }

    private void handshakeArrived(Handshake handshake) {
      if (host.isFailed()) {
        return;
      }
      if (torrent == null) {
        // Accepting: find the torrent, count the connection against the host's cap, answer.
        SimTorrent target = host.torrent(handshake.infoHash());
        if (target == null || !host.reserveConnection()) {
          connection.close();
          return;
        }
        counted = true;
        torrent = target;
        sendHandshake(handshake.infoHash());
      }
      peer =
          torrent
              .core()
              .attach(
                  this,
                  new Handshake(handshake.infoHash(), handshake.peerId(), true, true, true),
                  events != null);
      if (peer == null) {
        connection.close();
        return;
      }
      peer.start();
    }

    private void batchArrived(List<PeerMessage> batch) {
      for (PeerMessage m : batch) {
        if (peer == null) {
          ReferenceCountUtil.release(m);
        } else {
          peer.handle(m);
        }
      }
    }

    private void blockArrived(BlockSend send) {
      if (peer != null) {
        BlockRef b = send.block();
        peer.handle(new PeerMessage.Piece(b.piece(), b.offset(), zeros(b.length())));
      }
      send.written().accept(true);
    }

    private void connectionClosed(CloseCause cause) {
      if (host.isFailed()) {
        return; // A dead host runs nothing.
      }
      if (counted) {
        host.releaseConnection();
      }
      pending.clear();
      cluster
          .loop()
          .execute(
              () -> {
                if (peer != null) {
                  peer.closed();
                }
                if (events != null) {
                  events.closed();
                }
              });
    }

    // ---- PeerLink ----

    @Override
    public void send(PeerMessage message) {
      pending.add(message);
    }

    @Override
    public void sendBlock(BlockRef block, Consumer<Boolean> written) {
      pending.add(new BlockSend(block, written));
    }

    @Override
    public void flush() {
      if (pending.isEmpty()) {
        return;
      }
      List<Object> sending = pending;
      pending = spare;
      try {
        write(sending);
      } finally {
        sending.clear();
        spare = sending;
      }
    }

    private void write(List<Object> sending) {
      if (!connection.isOpen()) {
        sending.forEach(ReferenceCountUtil::release);
        return;
      }
      List<PeerMessage> batch = null;
      int bytes = 0;
      for (Object o : sending) {
        if (o instanceof BlockSend block) {
          if (batch != null) {
            sendControl(batch, bytes);
            batch = null;
            bytes = 0;
          }
          out.send(WireSize.PIECE_HEADER + block.block().length(), other.blockReceiver, block);
        } else {
          PeerMessage m = (PeerMessage) o;
          if (batch == null) {
            batch = new ArrayList<>();
          }
          batch.add(m);
          bytes += WireSize.of(m);
        }
      }
      if (batch != null) {
        sendControl(batch, bytes);
      }
    }

    private void sendControl(List<PeerMessage> batch, int bytes) {
      out.send(bytes, other.batchReceiver, batch);
    }

    @Override
    public void close(String reason) {
      connection.close();
    }

    @Override
    public InetSocketAddress remoteAddress() {
      return other.host.address();
    }

    PeerId remoteId() {
      return other.host.peerId();
    }
  }
}
