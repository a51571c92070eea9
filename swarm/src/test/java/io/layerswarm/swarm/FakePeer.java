package io.layerswarm.swarm;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.core.metainfo.TorrentGeometry;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hand-written BitTorrent peer on a blocking loopback socket, for fault tests. It listens; a
 * {@link Script} plays each connection the engine opens to it, one connection at a time, and what
 * the engine sent is recorded so that a test can count it once the connection is over.
 *
 * <p>The script runs on the fake's own thread. Speaks BEP 3 and the BEP 6 messages the scripts
 * need, nothing else; it knows the file's bytes so that it can send correct blocks.
 */
final class FakePeer implements AutoCloseable {
  static final int UNCHOKE = 1;
  static final int INTERESTED = 2;
  static final int HAVE = 4;
  static final int BITFIELD = 5;
  static final int REQUEST = 6;
  static final int PIECE = 7;
  static final int CANCEL = 8;
  static final int HAVE_ALL = 0x0E;
  private static final int READ_TIMEOUT_MILLIS = 90_000;

  /** Plays one connection. Returning, or throwing, closes the socket. */
  interface Script {
    void play(Connection connection) throws IOException;
  }

  /** One message from the engine: its id and payload. */
  record Message(int id, byte[] payload) {
    /** The block of a request, cancel or reject. */
    BlockRef block() {
      ByteBuffer b = ByteBuffer.wrap(payload);
      return BlockRef.of(b.getInt(), b.getInt(), b.getInt());
    }
  }

  final PeerId peerId = PeerId.random();

  /** Connections the engine opened to this peer. */
  final AtomicInteger connections = new AtomicInteger();

  /** Completes when the engine sends its first request. */
  final CompletableFuture<Void> firstRequest = new CompletableFuture<>();

  /** Completes when the engine says it is interested. */
  final CompletableFuture<Void> interested = new CompletableFuture<>();

  /** Completes with the first connection once its socket is closed. */
  final CompletableFuture<Connection> finished = new CompletableFuture<>();

  private final Metainfo metainfo;
  private final byte[] content;
  private final Script script;
  private final ServerSocket server;
  private volatile Socket current;

  /**
   * @param content the file's bytes, for correct blocks
   */
  FakePeer(Metainfo metainfo, byte[] content, Script script) throws IOException {
    this.metainfo = metainfo;
    this.content = content.clone();
    this.script = script;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread thread = new Thread(this::run, "fake-peer-" + server.getLocalPort());
    thread.setDaemon(true);
    thread.start();
  }

  InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", server.getLocalPort());
  }

  private void run() {
    while (!server.isClosed()) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        return; // Closed by the test.
      }
      connections.incrementAndGet();
      current = socket;
      Connection connection = null;
      try (socket) {
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        connection = new Connection(socket);
        script.play(connection);
      } catch (IOException e) {
        if (connection != null) {
          connection.failure = e;
        }
      }
      if (connection != null) {
        finished.complete(connection);
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    Socket socket = current;
    if (socket != null) {
      socket.close();
    }
  }

  /** The fake's side of one connection, and a record of what the engine sent on it. */
  final class Connection {
    final Socket socket;
    final DataInputStream in;
    final DataOutputStream out;

    /** Every request the engine sent, in order. */
    final List<BlockRef> requests = new CopyOnWriteArrayList<>();

    final List<BlockRef> cancels = new CopyOnWriteArrayList<>();

    /** Blocks this fake sent in full. */
    final List<BlockRef> sent = new CopyOnWriteArrayList<>();

    /** Whether the engine closed the connection (end of stream or reset). */
    volatile boolean closedByEngine;

    /** Why the script stopped, if it failed (for example a read timeout). */
    volatile IOException failure;

    private Connection(Socket socket) throws IOException {
      this.socket = socket;
      this.in = new DataInputStream(socket.getInputStream());
      this.out = new DataOutputStream(socket.getOutputStream());
    }

    TorrentGeometry geometry() {
      return metainfo.geometry();
    }

    /**
     * Reads the engine's handshake and answers it, setting the BEP 6 fast bit if {@code fast}.
     * Returns false, having answered nothing, if the info hash is not this torrent's.
     */
    boolean answerHandshake(boolean fast) throws IOException {
      byte[] handshake = new byte[68];
      in.readFully(handshake);
      if (!Arrays.equals(Arrays.copyOfRange(handshake, 28, 48), metainfo.infoHash().bytes())) {
        return false;
      }
      out.writeByte(19);
      out.write("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
      byte[] reserved = new byte[8];
      reserved[7] = (byte) (fast ? 0x04 : 0);
      out.write(reserved);
      out.write(metainfo.infoHash().bytes());
      out.write(peerId.bytes());
      out.flush();
      return true;
    }

    /** Sends {@code <length><id><payload>} with the right length. */
    void send(int id, byte[] payload) throws IOException {
      out.writeInt(1 + payload.length);
      out.writeByte(id);
      out.write(payload);
      out.flush();
    }

    /** Sends bytes as they are, for frames with a wrong length. */
    void sendRaw(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
    }

    /** A bitfield with the first {@code pieces} pieces set and no spare bits. */
    void sendBitfield(int pieces) throws IOException {
      byte[] bits = new byte[(geometry().pieceCount() + 7) / 8];
      for (int i = 0; i < pieces; i++) {
        bits[i / 8] |= (byte) (0x80 >>> (i % 8));
      }
      send(BITFIELD, bits);
    }

    /** Sends the correct data of {@code block}. */
    void sendBlock(BlockRef block) throws IOException {
      sendBlock(block, block.length());
      sent.add(block);
    }

    /**
     * Sends a piece message whose header announces all of {@code block} but carries only its first
     * {@code bytes} bytes of correct data.
     */
    void sendBlock(BlockRef block, int bytes) throws IOException {
      int start = (int) (geometry().pieceOffset(block.piece().value()) + block.offset());
      out.writeInt(9 + block.length());
      out.writeByte(PIECE);
      out.writeInt(block.piece().value());
      out.writeInt(block.offset());
      out.write(content, start, bytes);
      out.flush();
    }

    /**
     * The next message from the engine, keep-alives skipped, or null once the engine closed the
     * connection. Requests, cancels and interest are recorded.
     */
    Message read() throws IOException {
      try {
        int length;
        do {
          length = in.readInt();
        } while (length == 0);
        int id = in.readUnsignedByte();
        byte[] payload = new byte[length - 1];
        in.readFully(payload);
        Message message = new Message(id, payload);
        if (id == REQUEST) {
          requests.add(message.block());
          firstRequest.complete(null);
        } else if (id == CANCEL) {
          cancels.add(message.block());
        } else if (id == INTERESTED) {
          interested.complete(null);
        }
        return message;
      } catch (EOFException e) {
        closedByEngine = true;
        return null;
      } catch (SocketException e) {
        if (socket.isClosed()) {
          throw e; // Closed by the test.
        }
        closedByEngine = true; // Reset by the engine.
        return null;
      }
    }

    /** Reads and records everything the engine sends until it closes the connection. */
    void readUntilClosed() throws IOException {
      while (read() != null) {
        // Recorded by read().
      }
    }

    /**
     * Hangs up. With {@code reset}, at once with a TCP reset (SO_LINGER 0), which may discard what
     * is still in flight; otherwise with a FIN after everything sent, then reads until the engine
     * closes too.
     */
    void hangUp(boolean reset) throws IOException {
      if (reset) {
        socket.setSoLinger(true, 0);
        socket.close();
      } else {
        socket.shutdownOutput();
        readUntilClosed();
      }
    }
  }
}
