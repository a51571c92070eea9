package io.layerswarm.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PeerId;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A seeding engine driven by a hand-written peer over a plain socket. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WireLevelTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

  @TempDir Path dir;
  private SwarmEngine seeder;
  private Metainfo metainfo;
  private byte[] data;

  @BeforeEach
  void seed() throws Exception {
    data = new byte[200_000];
    new Random(2).nextBytes(data);
    Path source = Files.write(dir.resolve("source"), data);
    metainfo = Metainfo.create(source, "blob", List.of(), 32 * 1024);
    seeder = SwarmEngine.start(EngineConfig.defaults(LOOPBACK));
    seeder.seed(metainfo, source);
  }

  @AfterEach
  void close() {
    seeder.close();
  }

  /** A raw connection; reads time out instead of hanging the test. */
  private static final class RawPeer implements AutoCloseable {
    final Socket socket;
    final DataInputStream in;
    final DataOutputStream out;

    RawPeer(InetSocketAddress address) throws IOException {
      socket = new Socket(address.getAddress(), address.getPort());
      socket.setSoTimeout(20_000);
      in = new DataInputStream(socket.getInputStream());
      out = new DataOutputStream(socket.getOutputStream());
    }

    void handshake(InfoHash infoHash, boolean fast) throws IOException {
      out.writeByte(19);
      out.write("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
      byte[] reserved = new byte[8];
      reserved[7] = (byte) (fast ? 0x04 : 0);
      out.write(reserved);
      out.write(infoHash.bytes());
      out.write(PeerId.random().bytes());
      out.flush();
    }

    byte[] readHandshake() throws IOException {
      byte[] h = new byte[68];
      in.readFully(h);
      return h;
    }

    /** The next message as id followed by payload; keep-alives are skipped. */
    byte[] readMessage() throws IOException {
      int length;
      do {
        length = in.readInt();
      } while (length == 0);
      byte[] m = new byte[length];
      in.readFully(m);
      return m;
    }

    boolean closedByRemote() throws IOException {
      try {
        while (true) {
          if (in.read() < 0) {
            return true;
          }
        }
      } catch (EOFException e) {
        return true;
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void aHandshakeForAnUnknownInfoHashIsClosed() throws Exception {
    try (RawPeer peer = new RawPeer(seeder.listenAddress())) {
      peer.handshake(new InfoHash(new byte[20]), true);

      assertThat(peer.closedByRemote()).isTrue();
    }
  }

  @Test
  void withTheFastExtensionASeedSaysHaveAll() throws Exception {
    try (RawPeer peer = new RawPeer(seeder.listenAddress())) {
      peer.handshake(metainfo.infoHash(), true);
      byte[] handshake = peer.readHandshake();

      assertThat(Arrays.copyOfRange(handshake, 28, 48)).isEqualTo(metainfo.infoHash().bytes());
      assertThat(handshake[27] & 0x04).isEqualTo(0x04);
      assertThat(peer.readMessage()).containsExactly(0x0E);
    }
  }

  @Test
  void withoutTheFastExtensionASeedSendsAFullBitfieldAndServesAfterUnchoking() throws Exception {
    try (RawPeer peer = new RawPeer(seeder.listenAddress())) {
      peer.handshake(metainfo.infoHash(), false);
      peer.readHandshake();
      byte[] bitfield = peer.readMessage();
      assertThat(bitfield[0]).isEqualTo((byte) 5);
      assertThat(bitfield).hasSize(1 + (metainfo.pieceCount() + 7) / 8);

      peer.out.write(new byte[] {0, 0, 0, 1, 2}); // interested
      peer.out.flush();
      assertThat(peer.readMessage()).containsExactly(1); // unchoke
      peer.out.writeInt(13);
      peer.out.writeByte(6);
      peer.out.writeInt(6);
      peer.out.writeInt(1000);
      peer.out.writeInt(100);
      peer.out.flush();

      byte[] piece = peer.readMessage();
      assertThat(piece[0]).isEqualTo((byte) 7);
      assertThat(Arrays.copyOfRange(piece, 9, piece.length))
          .isEqualTo(Arrays.copyOfRange(data, 6 * 32 * 1024 + 1000, 6 * 32 * 1024 + 1100));
    }
  }

  @Test
  void aSeedUnchokesANewPeerAtOnceAndChokesItWhenItSaysItIsNotInterested() throws Exception {
    try (RawPeer peer = new RawPeer(seeder.listenAddress())) {
      peer.handshake(metainfo.infoHash(), true);
      peer.readHandshake();
      assertThat(peer.readMessage()).containsExactly(0x0E); // have all
      assertThat(peer.readMessage())
          .as("unchoke, without waiting for interested")
          .containsExactly(1);
      peer.out.writeInt(13);
      peer.out.writeByte(6);
      peer.out.writeInt(0);
      peer.out.writeInt(0);
      peer.out.writeInt(100);
      peer.out.flush();
      assertThat(peer.readMessage()[0]).isEqualTo((byte) 7);

      peer.out.write(new byte[] {0, 0, 0, 1, 3}); // not interested
      peer.out.flush();

      assertThat(peer.readMessage()).containsExactly(0); // choke
    }
  }

  @Test
  void anOversizedMessageClosesOnlyThatConnection() throws Exception {
    try (RawPeer bad = new RawPeer(seeder.listenAddress());
        RawPeer good = new RawPeer(seeder.listenAddress())) {
      bad.handshake(metainfo.infoHash(), true);
      good.handshake(metainfo.infoHash(), true);
      bad.readHandshake();
      good.readHandshake();
      assertThat(good.readMessage()).containsExactly(0x0E);

      bad.out.writeInt(64 * 1024 * 1024);
      bad.out.writeByte(7);
      bad.out.flush();

      assertThat(bad.closedByRemote()).isTrue();
      good.out.write(new byte[] {0, 0, 0, 1, 2}); // interested
      good.out.flush();
      assertThat(good.readMessage()).containsExactly(1); // unchoke
    }
  }

  @Test
  void aRequestOutsideThePieceClosesTheConnection() throws Exception {
    try (RawPeer peer = new RawPeer(seeder.listenAddress())) {
      peer.handshake(metainfo.infoHash(), true);
      peer.readHandshake();
      peer.readMessage();
      peer.out.writeInt(13);
      peer.out.writeByte(6);
      peer.out.writeInt(0);
      peer.out.writeInt(32 * 1024 - 10);
      peer.out.writeInt(100);
      peer.out.flush();

      assertThat(peer.closedByRemote()).isTrue();
    }
  }

  @Test
  void theConnectionCapPerTorrentRefusesExtraPeers() throws Exception {
    try (SwarmEngine capped =
        SwarmEngine.start(
            new EngineConfig(LOOPBACK, null, 0, 0, 1, 10, Duration.ofSeconds(30), Map.of()))) {
      capped.seed(metainfo, dir.resolve("source"));
      try (RawPeer first = new RawPeer(capped.listenAddress());
          RawPeer second = new RawPeer(capped.listenAddress())) {
        first.handshake(metainfo.infoHash(), true);
        first.readHandshake();
        assertThat(first.readMessage()).containsExactly(0x0E);
        second.handshake(metainfo.infoHash(), true);

        assertThat(second.closedByRemote()).isTrue();
        assertThat(capped.torrent(metainfo.infoHash()).orElseThrow().connectedPeers()).isEqualTo(1);
      }
    }
  }
}
