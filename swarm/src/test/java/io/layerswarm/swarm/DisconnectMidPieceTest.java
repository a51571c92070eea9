package io.layerswarm.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.TorrentGeometry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hand-written peer that has the whole file serves a few correct blocks and hangs up in the
 * middle of a block, half of it sent. The leecher must keep exactly the pieces it received whole
 * and hashed, forget the peer, and fetch only the missing blocks from an honest seed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DisconnectMidPieceTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private byte[] data;
  private Metainfo metainfo;
  private SwarmEngine seeder;
  private SwarmEngine leecher;
  private FakePeer peer;

  @BeforeEach
  void seed() throws Exception {
    data = new byte[4 * 1024 * 1024 + 333];
    new Random(21).nextBytes(data);
    Path source = Files.write(dir.resolve("source"), data);
    metainfo = Metainfo.create(source, "blob", List.of(), 64 * 1024);
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
    if (peer != null) {
      peer.close();
    }
  }

  @Test
  void aPeerThatClosesInTheMiddleOfABlockIsForgottenAndOnlyTheMissingBlocksAreFetchedAgain()
      throws Exception {
    hangUpInTheMiddleOfABlock(false, false);
  }

  @Test
  void aPeerThatResetsInTheMiddleOfABlockIsForgottenAndOnlyTheMissingBlocksAreFetchedAgain()
      throws Exception {
    hangUpInTheMiddleOfABlock(true, true);
  }

  /**
   * @param fast whether the fake sets the BEP 6 bit and says have-all (else a full bitfield)
   * @param reset whether it hangs up with a TCP reset, which may lose blocks still in flight,
   *     rather than a FIN after everything it sent
   */
  private void hangUpInTheMiddleOfABlock(boolean fast, boolean reset) throws Exception {
    CompletableFuture<BlockRef> cut = new CompletableFuture<>();
    peer =
        new FakePeer(
            metainfo,
            data,
            c -> {
              if (!c.answerHandshake(fast)) {
                return;
              }
              if (fast) {
                c.send(FakePeer.HAVE_ALL, new byte[0]);
              } else {
                c.sendBitfield(metainfo.pieceCount());
              }
              c.send(FakePeer.UNCHOKE, new byte[0]);
              Map<Integer, Integer> blocksSent = new HashMap<>();
              boolean aWholePieceSent = false;
              for (FakePeer.Message m; (m = c.read()) != null; ) {
                if (m.id() != FakePeer.REQUEST) {
                  continue;
                }
                BlockRef block = m.block();
                int piece = block.piece().value();
                int before = blocksSent.getOrDefault(piece, 0);
                if (aWholePieceSent
                    && block.offset() > 0
                    && before * TorrentGeometry.BLOCK_SIZE == block.offset()) {
                  // A piece we started: announce the whole block, send half of it, and hang up.
                  c.sendBlock(block, block.length() / 2);
                  cut.complete(block);
                  c.hangUp(reset);
                  return;
                }
                c.sendBlock(block);
                blocksSent.merge(piece, 1, Integer::sum);
                aWholePieceSent |= blocksSent.get(piece) == c.geometry().blockCount(piece);
              }
            });
    Torrent torrent = leecher.download(metainfo, dir.resolve("part"), dir.resolve("final"));
    TorrentSession session = (TorrentSession) torrent;
    torrent.addPeers(List.of(peer.address()));

    BlockRef partial = cut.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    FakePeer.Connection connection = peer.finished.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    BitSet whole = wholePieces(connection.sent);
    assertThat(whole.cardinality()).isPositive();
    assertThat(connection.sent).anyMatch(b -> b.piece().equals(partial.piece()));
    LoopProbe.awaitOnLoop(
        session, "the leecher forgets the peer", WAIT, () -> session.connectedPeerIds().isEmpty());
    assertThat(torrent.connectedPeers()).isZero();
    if (!reset) {
      // Everything before the FIN arrived, so exactly the pieces sent whole pass their check.
      LoopProbe.awaitOnLoop(
          session,
          "the whole pieces are verified",
          WAIT,
          () -> session.storage().verified().equals(whole));
    }
    BitSet verifiedButNotSentWhole = session.storage().verified();
    verifiedButNotSentWhole.andNot(whole);
    assertThat(verifiedButNotSentWhole.isEmpty())
        .as("verified without a whole piece to hash: %s", verifiedButNotSentWhole)
        .isTrue();
    assertThat(session.storage().isVerified(partial.piece())).isFalse();

    torrent.addPeers(List.of(seeder.listenAddress()));
    torrent.completion().get(60, TimeUnit.SECONDS);

    assertThat(Files.readAllBytes(dir.resolve("final"))).isEqualTo(data);
    assertThat(torrent.downloadedBytes() + torrent.duplicateBytes())
        .as("every block received once: blocks that arrived whole are not fetched again")
        .isEqualTo(metainfo.length());
    assertThat(peer.connections.get()).isEqualTo(1);
  }

  /** The pieces all of whose blocks are in {@code blocks}. */
  private BitSet wholePieces(List<BlockRef> blocks) {
    TorrentGeometry geometry = metainfo.geometry();
    Map<Integer, Integer> count = new HashMap<>();
    for (BlockRef b : blocks) {
      count.merge(b.piece().value(), 1, Integer::sum);
    }
    BitSet whole = new BitSet();
    count.forEach(
        (piece, n) -> {
          if (n == geometry.blockCount(piece)) {
            whole.set(piece);
          }
        });
    return whole;
  }
}
