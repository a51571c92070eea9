package io.layerswarm.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.testing.ManualClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hand-written peers that advertise the whole file but deliver nothing: one never unchokes, the
 * other unchokes and never answers a request. Next to an honest seed the download completes; alone
 * they get a bounded number of requests and the torrent waits without failing.
 *
 * <p>The leecher runs on a {@link ManualClock}, and the tests tick it themselves, so that the
 * request timeout (15 s) and the snub timeout (60 s) pass without real waiting.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NeverUnchokesTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** The pipeline depth of a new peer (Peer.INITIAL_REQUEST_DEPTH). */
  private static final int INITIAL_REQUESTS = 64;

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private byte[] data;
  private Path source;
  private Metainfo metainfo;
  private SwarmEngine leecher;
  private SwarmEngine seeder;
  private FakePeer peer;

  @BeforeEach
  void start() throws Exception {
    data = new byte[4 * 1024 * 1024 + 333];
    new Random(31).nextBytes(data);
    source = Files.write(dir.resolve("source"), data);
    metainfo = Metainfo.create(source, "blob", List.of(), 64 * 1024);
    leecher = SwarmEngine.start(EngineConfig.defaults(LOOPBACK), clock);
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

  /** A seed that never unchokes us; it records what we send until we hang up. */
  private FakePeer chokingSeed() throws IOException {
    return new FakePeer(
        metainfo,
        data,
        c -> {
          if (c.answerHandshake(false)) {
            c.sendBitfield(metainfo.pieceCount());
            c.readUntilClosed();
          }
        });
  }

  /** A seed that unchokes us and then ignores every request. */
  private FakePeer silentSeed() throws IOException {
    return new FakePeer(
        metainfo,
        data,
        c -> {
          if (c.answerHandshake(false)) {
            c.sendBitfield(metainfo.pieceCount());
            c.send(FakePeer.UNCHOKE, new byte[0]);
            c.readUntilClosed();
          }
        });
  }

  private void startSeeder() throws IOException {
    seeder = SwarmEngine.start(EngineConfig.defaults(LOOPBACK));
    seeder.seed(metainfo, source);
  }

  @Test
  void aPeerThatNeverUnchokesGetsNoRequestsAndTheSeedDeliversTheFile() throws Exception {
    peer = chokingSeed();
    startSeeder();
    Torrent torrent = leecher.download(metainfo, dir.resolve("part"), dir.resolve("final"));
    torrent.addPeers(List.of(peer.address()));
    peer.interested.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    torrent.addPeers(List.of(seeder.listenAddress()));
    torrent.completion().get(60, TimeUnit.SECONDS);

    assertThat(Files.readAllBytes(dir.resolve("final"))).isEqualTo(data);
    // Once complete, both sides are seeds and the leecher hangs up.
    FakePeer.Connection connection = peer.finished.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(connection.closedByEngine).isTrue();
    assertThat(connection.requests).isEmpty();
  }

  @Test
  void aPeerThatNeverAnswersLosesEveryRequestToTheSeed() throws Exception {
    peer = silentSeed();
    startSeeder();
    Torrent torrent = leecher.download(metainfo, dir.resolve("part"), dir.resolve("final"));
    torrent.addPeers(List.of(peer.address()));
    // The silent peer holds the first requests before the seed arrives, and they time out.
    peer.firstRequest.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    clock.advance(Duration.ofSeconds(16));

    torrent.addPeers(List.of(seeder.listenAddress()));
    torrent.completion().get(60, TimeUnit.SECONDS);

    assertThat(Files.readAllBytes(dir.resolve("final"))).isEqualTo(data);
    FakePeer.Connection connection = peer.finished.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(connection.closedByEngine).isTrue();
    assertThat(connection.requests).isNotEmpty();
    assertThat(new HashSet<>(connection.cancels))
        .as("each block asked of the silent peer came from the seed and was cancelled here")
        .isEqualTo(new HashSet<>(connection.requests));
  }

  @Test
  void withOnlyAPeerThatNeverUnchokesTheTorrentWaitsWithoutRequesting() throws Exception {
    peer = chokingSeed();
    Torrent torrent = leecher.download(metainfo, dir.resolve("part"), dir.resolve("final"));
    TorrentSession session = (TorrentSession) torrent;
    torrent.addPeers(List.of(peer.address()));
    peer.interested.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    // Ten minutes of ticks: past the request timeout and the snub timeout many times over.
    for (int i = 0; i < 600; i++) {
      clock.advance(Duration.ofSeconds(1));
      LoopProbe.tick(session);
    }

    assertThat(torrent.connectedPeers()).as("a choking peer owes us nothing").isEqualTo(1);
    assertThat(torrent.completion()).isNotDone();
    assertThat(torrent.verifiedBytes()).isZero();
    leecher.remove(metainfo.infoHash());
    FakePeer.Connection connection = peer.finished.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(connection.requests).isEmpty();
  }

  @Test
  void withOnlyAPeerThatNeverAnswersRequestsStayBoundedUntilTheSnubTimeoutDropsIt()
      throws Exception {
    peer = silentSeed();
    Torrent torrent = leecher.download(metainfo, dir.resolve("part"), dir.resolve("final"));
    TorrentSession session = (TorrentSession) torrent;
    torrent.addPeers(List.of(peer.address()));
    peer.firstRequest.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    // Just short of the 60 s snub timeout, and well past the 15 s request timeout.
    for (int i = 0; i < 59; i++) {
      clock.advance(Duration.ofSeconds(1));
      LoopProbe.tick(session);
    }
    assertThat(torrent.connectedPeers()).isEqualTo(1);
    assertThat(peer.finished).isNotDone();
    clock.advance(Duration.ofSeconds(2));
    LoopProbe.tick(session);

    FakePeer.Connection connection = peer.finished.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(connection.closedByEngine).as("dropped for sending nothing").isTrue();
    List<BlockRef> requests = connection.requests;
    assertThat(requests).hasSizeBetween(1, INITIAL_REQUESTS);
    assertThat(new HashSet<>(requests)).as("no block asked twice").hasSameSizeAs(requests);
    LoopProbe.awaitOnLoop(
        session, "the leecher forgets the peer", WAIT, () -> session.connectedPeerIds().isEmpty());
    assertThat(torrent.completion()).isNotDone();
    assertThat(torrent.verifiedBytes()).isZero();
    assertThat(peer.connections.get()).as("not dialed again").isEqualTo(1);
  }
}
