package io.layerswarm.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PeerId;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, finding 3: a peer that handshakes with the fast extension, never reads, and streams
 * block requests. The attacker connects from 127.0.0.2, so that its ban does not touch the good
 * peer on 127.0.0.1.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PeerFloodTest {
  private static final int PIECE = 32 * 1024;

  /** Requests the attacker sends at most: 5 MiB, 160 times what gets it banned. */
  private static final int MAX_REQUESTS = 320_000;

  @TempDir Path dir;
  private SwarmEngine seeder;
  private Metainfo metainfo;

  @BeforeEach
  void seed() throws Exception {
    byte[] data = new byte[7 * PIECE];
    new Random(5).nextBytes(data);
    Path file = Files.write(dir.resolve("blob"), data);
    metainfo = Metainfo.create(file, "blob", List.of(), PIECE);
    seeder = SwarmEngine.start(EngineConfig.defaults(new InetSocketAddress("127.0.0.1", 0)));
    seeder.seed(metainfo, file);
  }

  @AfterEach
  void close() {
    seeder.close();
  }

  private Socket connectFrom(String source) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(source, 0));
    socket.connect(seeder.listenAddress(), 5_000);
    socket.setSoTimeout(20_000);
    return socket;
  }

  private void handshake(Socket socket, InfoHash infoHash) throws IOException {
    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
    out.writeByte(19);
    out.write("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
    out.write(new byte[] {0, 0, 0, 0, 0, 0, 0, 0x04}); // BEP 6 fast extension
    out.write(infoHash.bytes());
    out.write(PeerId.random().bytes());
    out.flush();
  }

  /** Requests, in batches of 1000, until the seeder drops the connection or all are sent. */
  private static int flood(Socket socket) {
    ByteBuffer batch = ByteBuffer.allocate(1000 * 17);
    for (int i = 0; i < 1000; i++) {
      batch.putInt(13).put((byte) 6).putInt(i % 7).putInt((i / 7 % 2) * 16384).putInt(16384);
    }
    int sent = 0;
    try {
      while (sent < MAX_REQUESTS) {
        socket.getOutputStream().write(batch.array());
        sent += 1000;
      }
    } catch (IOException e) {
      return sent; // Reset by the seeder.
    }
    return -1;
  }

  /** Bytes read until the other end closes (a FIN or, with our bytes unread there, a reset). */
  private static int bytesUntilClosed(Socket socket) throws IOException {
    int n = 0;
    try {
      while (socket.getInputStream().read() >= 0) {
        n++;
      }
    } catch (SocketException e) {
      // Reset: closed with our handshake unread.
    }
    return n;
  }

  @Test
  void aPeerThatStreamsRequestsAndNeverReadsIsDroppedAndItsAddressRefused() throws Exception {
    try (Socket attacker = connectFrom("127.0.0.2")) {
      handshake(attacker, metainfo.infoHash());

      int sent = flood(attacker);

      assertThat(sent)
          .as("requests written before the seeder dropped the connection")
          .isNotNegative();
    }
    assertThat(seeder.bans().isBanned(InetAddress.getByName("127.0.0.2"))).isTrue();
    try (Socket again = connectFrom("127.0.0.2")) {
      handshake(again, metainfo.infoHash());
      assertThat(bytesUntilClosed(again)).as("not one byte for a banned address").isZero();
    }
    try (Socket good = connectFrom("127.0.0.1")) {
      handshake(good, metainfo.infoHash());
      InputStream in = good.getInputStream();
      byte[] answer = in.readNBytes(68 + 5);
      assertThat(answer).hasSize(73);
      assertThat(answer[68 + 4]).as("have all").isEqualTo((byte) 0x0E);
    }
  }
}
