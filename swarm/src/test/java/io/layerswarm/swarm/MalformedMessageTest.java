package io.layerswarm.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.TorrentGeometry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A hand-written peer breaks the protocol while a leecher downloads from an honest seed. The
 * leecher must close that one connection and finish the download from the seed.
 *
 * <p>The bad peer otherwise behaves like a quiet leecher (it has at most some pieces, so the
 * leecher keeps it after completing): only the broken message can explain its disconnection. {@link
 * WireLevelTest} covers the same checks on a seeding engine.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MalformedMessageTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int PIECE_LENGTH = 64 * 1024;

  @TempDir Path dir;
  private byte[] data;
  private Metainfo metainfo;
  private SwarmEngine seeder;
  private SwarmEngine leecher;
  private FakePeer bad;

  /** What the bad peer sends after the handshake. */
  interface Misbehaviour {
    void send(FakePeer.Connection c) throws IOException;
  }

  static Stream<Arguments> misbehaviours() {
    return Stream.of(
        Arguments.of(
            "a bitfield with a spare bit set",
            (Misbehaviour)
                c -> {
                  int pieces = c.geometry().pieceCount();
                  byte[] bits = new byte[(pieces + 7) / 8];
                  bits[bits.length - 1] =
                      1; // The last bit of the last byte is past the last piece.
                  c.send(FakePeer.BITFIELD, bits);
                }),
        Arguments.of(
            "a bitfield one byte too long",
            (Misbehaviour)
                c -> c.send(FakePeer.BITFIELD, new byte[(c.geometry().pieceCount() + 7) / 8 + 1])),
        Arguments.of(
            "a have for a piece past the last",
            (Misbehaviour) c -> c.send(FakePeer.HAVE, ints(c.geometry().pieceCount()))),
        Arguments.of(
            "a request that runs past the end of its piece",
            (Misbehaviour)
                c ->
                    c.send(
                        FakePeer.REQUEST, ints(0, PIECE_LENGTH - 100, TorrentGeometry.BLOCK_SIZE))),
        Arguments.of(
            "a piece for a block never requested",
            (Misbehaviour)
                c -> {
                  // It has every piece but the last, so the leecher can never have asked it for
                  // that.
                  int last = c.geometry().pieceCount() - 1;
                  c.sendBitfield(last);
                  c.send(FakePeer.UNCHOKE, new byte[0]);
                  c.sendBlock(c.geometry().block(last, 0));
                }),
        Arguments.of(
            "a have with a five-byte payload",
            (Misbehaviour) c -> c.sendRaw(new byte[] {0, 0, 0, 6, FakePeer.HAVE, 0, 0, 0, 0, 0})),
        Arguments.of(
            "an unchoke with a payload",
            (Misbehaviour) c -> c.sendRaw(new byte[] {0, 0, 0, 2, FakePeer.UNCHOKE, 0})),
        Arguments.of(
            "a have-all without the fast extension",
            (Misbehaviour) c -> c.send(FakePeer.HAVE_ALL, new byte[0])));
  }

  private static byte[] ints(int... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length);
    for (int v : values) {
      b.putInt(v);
    }
    return b.array();
  }

  @BeforeEach
  void seed() throws Exception {
    data = new byte[4 * 1024 * 1024 + 333];
    new Random(41).nextBytes(data);
    Path source = Files.write(dir.resolve("source"), data);
    metainfo = Metainfo.create(source, "blob", List.of(), PIECE_LENGTH);
    seeder = SwarmEngine.start(EngineConfig.defaults(LOOPBACK));
    leecher = SwarmEngine.start(EngineConfig.defaults(LOOPBACK));
    seeder.seed(metainfo, source);
  }

  @AfterEach
  void close() throws IOException {
    if (leecher != null) {
      leecher.close();
    }
    if (seeder != null) {
      seeder.close();
    }
    if (bad != null) {
      bad.close();
    }
  }

  @ParameterizedTest(name = "{0} closes only that connection")
  @MethodSource("misbehaviours")
  void aBrokenMessageClosesOnlyItsConnectionAndTheSeedStillDeliversTheFile(
      String what, Misbehaviour misbehaviour) throws Exception {
    bad =
        new FakePeer(
            metainfo,
            data,
            c -> {
              if (c.answerHandshake(false)) {
                misbehaviour.send(c);
                c.readUntilClosed();
              }
            });
    Torrent torrent = leecher.download(metainfo, dir.resolve("part"), dir.resolve("final"));
    TorrentSession session = (TorrentSession) torrent;

    torrent.addPeers(List.of(bad.address(), seeder.listenAddress()));

    FakePeer.Connection connection = bad.finished.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(connection.failure).isNull();
    assertThat(connection.closedByEngine).as("closed for " + what).isTrue();
    torrent.completion().get(60, TimeUnit.SECONDS);
    assertThat(Files.readAllBytes(dir.resolve("final"))).isEqualTo(data);
    assertThat(bad.connections.get()).isEqualTo(1);
    LoopProbe.awaitOnLoop(
        session,
        "the leecher forgets the bad peer",
        WAIT,
        () -> !session.connectedPeerIds().contains(bad.peerId));
  }
}
