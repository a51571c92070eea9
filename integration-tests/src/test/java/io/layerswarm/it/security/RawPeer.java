package io.layerswarm.it.security;

import io.layerswarm.core.auth.ClusterKey;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.swarm.wire.MemberProof;
import io.layerswarm.swarm.wire.MemberProof.Role;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * A BitTorrent peer on a raw socket bound to a chosen loopback address: what an attacker's or an
 * outsider's client sends, byte for byte, and every byte it gets back. As a member it runs the
 * membership proof ({@link MemberProof}) with the cluster's peer key.
 */
final class RawPeer implements AutoCloseable {
  private static final int HANDSHAKE = 68;

  private final Socket socket;
  private final PeerId id = PeerId.random();

  private RawPeer(Socket socket) {
    this.socket = socket;
  }

  /** A connection from {@code source} (a loopback address) to {@code to}. */
  static RawPeer connect(String source, InetSocketAddress to) throws IOException {
    Socket socket = new Socket();
    try {
      socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
      socket.connect(to, 5_000);
      socket.setSoTimeout(20_000);
      return new RawPeer(socket);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * Sends our handshake for {@code infoHash} with the fast extension bit; with {@code member}, also
   * the membership bit and a nonce, then reads the other side's handshake and nonce, sends our
   * proof and reads and checks theirs.
   *
   * @return whether the other side admitted us as a member and proved itself one (always true
   *     without {@code member}: nothing is read then)
   */
  boolean handshake(InfoHash infoHash, Optional<ClusterKey> member) throws IOException {
    OutputStream out = socket.getOutputStream();
    ByteBuffer hello = ByteBuffer.allocate(HANDSHAKE);
    hello.put((byte) 19).put("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
    hello.put(new byte[] {0, 0, 0, (byte) (member.isPresent() ? 0x01 : 0), 0, 0, 0, 0x04});
    hello.put(infoHash.bytes()).put(id.bytes());
    if (member.isEmpty()) {
      out.write(hello.array());
      out.flush();
      return true;
    }
    MemberProof.Nonce nonce = MemberProof.nonce();
    DataInputStream in = new DataInputStream(socket.getInputStream());
    byte[] answer = new byte[HANDSHAKE + MemberProof.NONCE_BYTES];
    try {
      out.write(hello.array());
      out.write(nonce.bytes());
      out.flush();
      in.readFully(answer);
    } catch (IOException closed) {
      return false; // Refused: closed before or after our handshake.
    }
    MemberProof.Exchange exchange =
        new MemberProof.Exchange(
            infoHash,
            id,
            new PeerId(Arrays.copyOfRange(answer, 48, HANDSHAKE)),
            nonce.bytes(),
            Arrays.copyOfRange(answer, HANDSHAKE, answer.length));
    ClusterKey key = member.get();
    byte[] proof = new byte[MemberProof.PROOF_BYTES];
    try {
      out.write(MemberProof.proof(key, Role.DIALER, exchange).mac());
      out.flush();
      in.readFully(proof);
    } catch (IOException closed) {
      return false;
    }
    return MemberProof.verify(key, Role.ACCEPTER, exchange, new MemberProof.Proof(proof));
  }

  void write(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
  }

  /** Writes {@code bytes} unless the other side has closed the connection already. */
  boolean tryWrite(byte[] bytes) {
    try {
      write(bytes);
      return true;
    } catch (IOException closed) {
      return false;
    }
  }

  /** An {@code interested} message. */
  static byte[] interested() {
    return new byte[] {0, 0, 0, 1, 2};
  }

  /**
   * {@code count} block requests (16 KiB) over the first 4 blocks of pieces 0 to {@code pieces -
   * 1}, which must be whole pieces (a request beyond a piece's end is invalid, and closes the
   * connection).
   */
  static byte[] requests(int count, int pieces) {
    ByteBuffer batch = ByteBuffer.allocate(count * 17);
    for (int i = 0; i < count; i++) {
      batch.putInt(13).put((byte) 6).putInt(i % pieces).putInt((i / pieces % 4) * 16384);
      batch.putInt(16384);
    }
    return batch.array();
  }

  /**
   * Writes {@code batch} again and again, never reading, until the other side closes the connection
   * (a write fails), {@code maxBatches} were written, or {@code bound} passed.
   *
   * @return the batches written before the connection was closed, or -1 if it never was
   */
  long flood(byte[] batch, long maxBatches, Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    long written = 0;
    try {
      OutputStream out = socket.getOutputStream();
      while (written < maxBatches && System.nanoTime() < deadline) {
        out.write(batch);
        written++;
      }
    } catch (IOException e) {
      return written;
    }
    return -1;
  }

  /**
   * Every byte until the other end closes (a FIN, or a reset with our bytes unread), or nothing
   * more came for the socket's timeout.
   */
  byte[] readUntilClosed() throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        read.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new IOException("still open after " + read.size() + " bytes", e);
    } catch (SocketException e) {
      // Reset.
    }
    return read.toByteArray();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
