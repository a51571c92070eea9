package io.layerswarm.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PeerId;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hand-written peer that claims every piece and answers every request with random bytes. The
 * download must still complete from the honest seed, and the liar must be banned.
 *
 * <p>The liar listens on another loopback address than the engines: a ban covers the whole IP
 * address ({@code AddressBans}), as a liar on another host would be, so on the same address it
 * would also ban the honest seed whenever the ban came before the dial to the seed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CorruptPeerTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);
  private static final String LIAR_HOST = "127.0.0.2";

  @TempDir Path dir;
  private SwarmEngine seeder;
  private SwarmEngine leecher;
  private FakePeer liar;

  @AfterEach
  void close() throws IOException {
    if (leecher != null) {
      leecher.close();
    }
    if (seeder != null) {
      seeder.close();
    }
    if (liar != null) {
      liar.close();
    }
  }

  @Test
  void aPeerThatSendsCorruptPiecesIsBannedAndTheDownloadCompletesFromTheHonestSeed()
      throws Exception {
    byte[] data = new byte[4 * 1024 * 1024 + 333];
    new Random(11).nextBytes(data);
    Path source = Files.write(dir.resolve("source"), data);
    Metainfo metainfo = Metainfo.create(source, "blob", List.of(), 64 * 1024);
    seeder = SwarmEngine.start(EngineConfig.defaults(LOOPBACK));
    leecher = SwarmEngine.start(EngineConfig.defaults(LOOPBACK));
    seeder.seed(metainfo, source);
    liar = new FakePeer(metainfo);

    Torrent torrent = leecher.download(metainfo, dir.resolve("p"), dir.resolve("f"));
    torrent.addPeers(List.of(liar.address()));
    // Let the liar take the first requests, so it is sure to send whole pieces of garbage.
    liar.firstRequest.get(30, TimeUnit.SECONDS);
    torrent.addPeers(List.of(seeder.listenAddress()));

    torrent.completion().get(60, TimeUnit.SECONDS);
    liar.disconnected.get(30, TimeUnit.SECONDS);

    assertThat(Files.readAllBytes(dir.resolve("f"))).isEqualTo(data);
    TorrentSession session = (TorrentSession) torrent;
    CompletableFuture<Set<PeerId>> banned = new CompletableFuture<>();
    session.execute(() -> banned.complete(session.bannedPeerIds()));
    assertThat(banned.get(10, TimeUnit.SECONDS)).containsExactly(liar.peerId);
    assertThat(liar.connections.get()).isEqualTo(1);
  }

  /** Serves one connection at a time on a blocking socket; enough for one leecher. */
  private static final class FakePeer implements AutoCloseable {
    final PeerId peerId = PeerId.random();
    final CompletableFuture<Void> firstRequest = new CompletableFuture<>();
    final CompletableFuture<Void> disconnected = new CompletableFuture<>();
    final AtomicInteger connections = new AtomicInteger();
    private final ServerSocket server;
    private final Metainfo metainfo;
    private final Thread thread;

    FakePeer(Metainfo metainfo) throws IOException {
      this.metainfo = metainfo;
      this.server = new ServerSocket(0, 50, InetAddress.getByName(LIAR_HOST));
      this.thread = new Thread(this::run, "fake-peer");
      thread.setDaemon(true);
      thread.start();
    }

    InetSocketAddress address() {
      return new InetSocketAddress(LIAR_HOST, server.getLocalPort());
    }

    private void run() {
      Random random = new Random(1);
      while (!server.isClosed()) {
        try (Socket socket = server.accept()) {
          connections.incrementAndGet();
          serve(socket, random);
        } catch (IOException e) {
          // Closed by the engine or by the test.
        }
        disconnected.complete(null);
      }
    }

    private void serve(Socket socket, Random random) throws IOException {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      byte[] handshake = new byte[68];
      in.readFully(handshake);
      if (!Arrays.equals(Arrays.copyOfRange(handshake, 28, 48), metainfo.infoHash().bytes())) {
        return;
      }
      out.writeByte(19);
      out.write("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[8]); // No fast extension.
      out.write(metainfo.infoHash().bytes());
      out.write(peerId.bytes());
      int pieces = metainfo.pieceCount();
      byte[] bits = new byte[(pieces + 7) / 8];
      for (int i = 0; i < pieces; i++) {
        bits[i / 8] |= (byte) (0x80 >>> (i % 8));
      }
      out.writeInt(1 + bits.length);
      out.writeByte(5);
      out.write(bits);
      out.writeInt(1);
      out.writeByte(1); // Unchoke.
      out.flush();
      try {
        while (true) {
          int length = in.readInt();
          if (length == 0) {
            continue;
          }
          int id = in.readUnsignedByte();
          byte[] payload = new byte[length - 1];
          in.readFully(payload);
          if (id == 6) {
            firstRequest.complete(null);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(payload);
            int index = b.getInt();
            int begin = b.getInt();
            int len = b.getInt();
            byte[] garbage = new byte[len];
            random.nextBytes(garbage);
            out.writeInt(9 + len);
            out.writeByte(7);
            out.writeInt(index);
            out.writeInt(begin);
            out.write(garbage);
            out.flush();
          }
        }
      } catch (EOFException e) {
        // The engine hung up.
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
