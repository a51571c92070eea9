package io.layerswarm.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.auth.ClusterSecret;
import io.layerswarm.core.auth.KeyPurpose;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.swarm.torrent.TorrentPolicy;
import io.layerswarm.swarm.wire.MemberProof;
import io.layerswarm.swarm.wire.MemberProof.Role;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peer-wire admission (issue 11): with a cluster secret, a peer proves membership before it gets a
 * byte of a blob. A raw socket plays the peer, so that the test sees every byte the seeder sends.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MembershipTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);
  private static final int PIECE = 32 * 1024;

  @TempDir Path dir;
  private final ClusterSecret secret = ClusterSecret.random();
  private byte[] data;
  private Metainfo metainfo;
  private SwarmEngine seeder;
  private SwarmEngine leecher;

  @BeforeEach
  void seed() throws Exception {
    data = new byte[5 * PIECE + 7];
    new Random(9).nextBytes(data);
    Path file = Files.write(dir.resolve("blob"), data);
    metainfo = Metainfo.create(file, "blob", List.of(), PIECE);
    seeder = SwarmEngine.start(EngineConfig.defaults(LOOPBACK).withClusterSecret(secret));
    seeder.seed(metainfo, file);
  }

  @AfterEach
  void close() {
    seeder.close();
    if (leecher != null) {
      leecher.close();
    }
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket();
    socket.connect(seeder.listenAddress(), 5_000);
    socket.setSoTimeout(20_000);
    return socket;
  }

  private void handshake(Socket socket, boolean member, PeerId id) throws IOException {
    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
    out.writeByte(19);
    out.write("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
    out.write(new byte[] {0, 0, 0, (byte) (member ? 0x01 : 0), 0, 0, 0, 0x04});
    out.write(metainfo.infoHash().bytes());
    out.write(id.bytes());
    out.flush();
  }

  /** Every byte until the other end closes (a FIN, or a reset with our bytes unread). */
  private static byte[] readUntilClosed(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
    try {
      int b;
      while ((b = in.read()) >= 0) {
        read.write(b);
      }
    } catch (SocketException e) {
      // Reset.
    }
    return read.toByteArray();
  }

  @Test
  void aPeerWithoutTheMembershipBitGetsNoByte() throws Exception {
    try (Socket plain = connect()) {
      handshake(plain, false, PeerId.random());

      assertThat(readUntilClosed(plain)).as("what an aria2c or libtorrent peer gets").isEmpty();
    }
  }

  @Test
  void aPeerWhoseProofDoesNotCheckGetsTheHandshakeAndNonceOnly() throws Exception {
    try (Socket outsider = connect()) {
      handshake(outsider, true, PeerId.random());
      outsider.getOutputStream().write(MemberProof.nonce().bytes());
      DataInputStream in = new DataInputStream(outsider.getInputStream());
      byte[] answer = new byte[68 + MemberProof.NONCE_BYTES];
      in.readFully(answer);
      assertThat(answer[20 + 3] & 0x01).as("the seeder's membership bit").isEqualTo(1);

      outsider.getOutputStream().write(new byte[MemberProof.PROOF_BYTES]); // A guess.

      assertThat(readUntilClosed(outsider)).as("no proof, no bitfield, no piece").isEmpty();
    }
  }

  @Test
  void aMemberThatProvesItselfGetsTheSeedersProofAndThenItsPieces() throws Exception {
    PeerId id = PeerId.random();
    try (Socket member = connect()) {
      handshake(member, true, id);
      MemberProof.Nonce ours = MemberProof.nonce();
      member.getOutputStream().write(ours.bytes());
      DataInputStream in = new DataInputStream(member.getInputStream());
      byte[] answer = new byte[68 + MemberProof.NONCE_BYTES];
      in.readFully(answer);
      MemberProof.Exchange exchange =
          new MemberProof.Exchange(
              metainfo.infoHash(),
              id,
              new PeerId(Arrays.copyOfRange(answer, 48, 68)),
              ours.bytes(),
              Arrays.copyOfRange(answer, 68, answer.length));

      member
          .getOutputStream()
          .write(MemberProof.proof(secret.key(KeyPurpose.PEER), Role.DIALER, exchange).mac());

      byte[] proof = new byte[MemberProof.PROOF_BYTES];
      in.readFully(proof);
      assertThat(
              MemberProof.verify(
                  secret.key(KeyPurpose.PEER),
                  Role.ACCEPTER,
                  exchange,
                  new MemberProof.Proof(proof)))
          .isTrue();
      assertThat(in.readInt()).isEqualTo(1);
      assertThat(in.readByte()).as("have all").isEqualTo((byte) 0x0E);
    }
  }

  @Test
  void aMemberSendsNothingMoreToAPeerThatAnswersWithoutTheMembershipBit() throws Exception {
    leecher = SwarmEngine.start(EngineConfig.defaults(LOOPBACK).withClusterSecret(secret));
    try (ServerSocket open = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Torrent torrent = leecher.download(metainfo, dir.resolve("part"), dir.resolve("got"));
      torrent.addPeers(List.of(new InetSocketAddress("127.0.0.1", open.getLocalPort())));
      try (Socket dialed = open.accept()) {
        dialed.setSoTimeout(20_000);
        DataInputStream in = new DataInputStream(dialed.getInputStream());
        byte[] hello = new byte[68 + MemberProof.NONCE_BYTES];
        in.readFully(hello);
        assertThat(hello[20 + 3] & 0x01).as("the member's bit").isEqualTo(1);

        handshake(dialed, false, PeerId.random()); // An open-mode peer, as aria2c answers.
        dialed.getOutputStream().write(new byte[] {0, 0, 0, 1, 0x0E}); // have all

        assertThat(readUntilClosed(dialed)).as("no proof, no interest, no request").isEmpty();
      }
    }
  }

  @Test
  void membersWithTheSameSecretDownloadFromEachOther() throws Exception {
    leecher = SwarmEngine.start(EngineConfig.defaults(LOOPBACK).withClusterSecret(secret));

    Torrent torrent = leecher.download(metainfo, dir.resolve("part"), dir.resolve("got"));
    torrent.addPeers(List.of(seeder.listenAddress()));
    torrent.completion().get(30, TimeUnit.SECONDS);

    assertThat(Files.readAllBytes(dir.resolve("got"))).isEqualTo(data);
  }

  @Test
  void aMemberAsksMembersFor64KibBlocks() throws Exception {
    assertThat(firstRequestLength(EngineConfig.defaults(LOOPBACK).withClusterSecret(secret)))
        .isEqualTo(TorrentPolicy.MEMBER_BLOCK_SIZE);
  }

  @Test
  void anOpenModeEngineAsksFor16KibBlocksAsAnyBitTorrentPeerServes() throws Exception {
    assertThat(firstRequestLength(EngineConfig.defaults(LOOPBACK))).isEqualTo(16 * 1024);
  }

  /**
   * Starts a leecher with {@code config} on a blob of 256 KiB pieces, plays a seed that it dials
   * (proving membership when the leecher is a member), and returns the length of its first request.
   */
  private int firstRequestLength(EngineConfig config) throws Exception {
    byte[] big = new byte[2 * 256 * 1024];
    new Random(3).nextBytes(big);
    Metainfo bigInfo =
        Metainfo.create(Files.write(dir.resolve("big"), big), "big", List.of(), 256 * 1024);
    boolean member = config.clusterSecret().isPresent();
    leecher = SwarmEngine.start(config);
    try (ServerSocket open = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Torrent torrent = leecher.download(bigInfo, dir.resolve("part"), dir.resolve("got"));
      torrent.addPeers(List.of(new InetSocketAddress("127.0.0.1", open.getLocalPort())));
      try (Socket dialed = open.accept()) {
        dialed.setSoTimeout(20_000);
        DataInputStream in = new DataInputStream(dialed.getInputStream());
        byte[] hello = new byte[68 + (member ? MemberProof.NONCE_BYTES : 0)];
        in.readFully(hello);
        DataOutputStream out = new DataOutputStream(dialed.getOutputStream());
        PeerId us = PeerId.random();
        out.writeByte(19);
        out.write("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[] {0, 0, 0, (byte) (member ? 0x01 : 0), 0, 0, 0, 0x04});
        out.write(bigInfo.infoHash().bytes());
        out.write(us.bytes());
        if (member) {
          MemberProof.Nonce ours = MemberProof.nonce();
          out.write(ours.bytes());
          byte[] theirs = new byte[MemberProof.PROOF_BYTES];
          in.readFully(theirs);
          MemberProof.Exchange exchange =
              new MemberProof.Exchange(
                  bigInfo.infoHash(),
                  new PeerId(Arrays.copyOfRange(hello, 48, 68)),
                  us,
                  Arrays.copyOfRange(hello, 68, hello.length),
                  ours.bytes());
          out.write(MemberProof.proof(secret.key(KeyPurpose.PEER), Role.ACCEPTER, exchange).mac());
        }
        out.write(new byte[] {0, 0, 0, 1, 0x0E, 0, 0, 0, 1, 1}); // have all, unchoke
        out.flush();
        while (true) {
          byte[] message = new byte[in.readInt()];
          in.readFully(message);
          if (message.length == 13 && message[0] == 6) {
            return ByteBuffer.wrap(message, 9, 4).getInt();
          }
        }
      }
    }
  }
}
