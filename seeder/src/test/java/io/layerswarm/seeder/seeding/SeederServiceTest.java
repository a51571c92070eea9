package io.layerswarm.seeder.seeding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PieceLength;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.client.UpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.registry.store.FileBlobStore;
import io.layerswarm.seeder.store.FileMetainfoStore;
import io.layerswarm.swarm.EngineConfig;
import io.layerswarm.swarm.SwarmEngine;
import io.layerswarm.swarm.Torrent;
import io.layerswarm.testing.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SeederServiceTest {
  private static final URI REGISTRY_URI = URI.create("http://registry.test:5000");
  private static final String REGISTRY = "registry.test:5000";
  private static final RepositoryName REPO = new RepositoryName("library/app");
  private static final List<URI> ANNOUNCE = List.of(URI.create("http://127.0.0.1:1/announce"));
  private static final Duration ORIGIN_TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path dataDir;
  private final List<SwarmEngine> engines = new ArrayList<>();
  private InMemoryUpstreamRegistry upstream;
  private byte[] content;
  private Digest digest;

  @BeforeEach
  void upstreamWithOneBlob() {
    upstream = new InMemoryUpstreamRegistry(REGISTRY_URI);
    content = randomBytes(600 * 1024 + 123, 1);
    digest = upstream.putBlob(REPO, content);
  }

  @AfterEach
  void closeEngines() {
    engines.forEach(SwarmEngine::close);
  }

  /** A service over {@link #dataDir} with the given upstream, and its own engine. */
  private final class Fixture {
    final FileBlobStore blobs;
    final FileMetainfoStore metainfos;
    final SwarmEngine engine;
    final SeederService service;

    Fixture(UpstreamRegistry origin, Duration originTimeout, List<URI> announce)
        throws IOException {
      this(origin, originTimeout, announce, true);
    }

    /**
     * @param verify whether the blobs already in {@link #dataDir} are verified first, as the server
     *     does in the background
     */
    Fixture(UpstreamRegistry origin, Duration originTimeout, List<URI> announce, boolean verify)
        throws IOException {
      blobs = new FileBlobStore(dataDir);
      if (verify) {
        blobs.verifyFound(d -> {});
      }
      metainfos = FileMetainfoStore.open(dataDir.resolve("metainfo"));
      engine = SwarmEngine.start(EngineConfig.defaults(new InetSocketAddress("127.0.0.1", 0)));
      engines.add(engine);
      service =
          new SeederService(
              Upstreams.single(origin), blobs, metainfos, engine, announce, originTimeout);
    }

    Fixture(UpstreamRegistry origin) throws IOException {
      this(origin, ORIGIN_TIMEOUT, ANNOUNCE);
    }

    void close() {
      engine.close();
      engines.remove(engine);
    }
  }

  @Test
  void firstRequestFetchesTheBlobAndReturnsMetainfoNamedByTheHexWithMatchingPieces()
      throws Exception {
    Fixture seeder = new Fixture(upstream);

    Metainfo metainfo = seeder.service.metainfo(digest, REGISTRY, REPO);

    assertThat(metainfo.name()).isEqualTo(digest.hex());
    assertThat(metainfo.length()).isEqualTo(content.length);
    assertThat(metainfo.pieceLength()).isEqualTo(PieceLength.forSize(content.length));
    assertThat(metainfo.announce()).isEqualTo(ANNOUNCE);
    assertThat(metainfo.isPrivate()).isTrue();
    assertPiecesMatch(metainfo, content);
    assertThat(upstream.blobBytesServed()).isEqualTo(content.length);
    assertThat(seeder.service.originBytes()).isEqualTo(content.length);
    assertThat(Files.readAllBytes(seeder.blobs.path(digest).orElseThrow())).isEqualTo(content);
    assertThat(seeder.metainfos.get(digest).orElseThrow().encode()).isEqualTo(metainfo.encode());
    assertThat(seeder.engine.torrent(metainfo.infoHash())).isPresent();
  }

  @Test
  void peerDownloadsTheFetchedBlobFromTheSeeder() throws Exception {
    Fixture seeder = new Fixture(upstream);
    Metainfo metainfo = seeder.service.metainfo(digest, REGISTRY, REPO);
    SwarmEngine leecher =
        SwarmEngine.start(EngineConfig.defaults(new InetSocketAddress("127.0.0.1", 0)));
    engines.add(leecher);
    Path leecherDir = Files.createDirectories(dataDir.resolve("leecher"));
    Path finalFile = leecherDir.resolve(digest.hex());

    Torrent download =
        leecher.download(metainfo, leecherDir.resolve(digest.hex() + ".part"), finalFile);
    download.addPeers(List.of(seeder.engine.listenAddress()));

    assertThat(download.completion().get(30, TimeUnit.SECONDS)).isEqualTo(finalFile);
    assertThat(Files.readAllBytes(finalFile)).isEqualTo(content);
    assertThat(upstream.blobRequests()).isEqualTo(1);
  }

  @Test
  void laterRequestsAreAnsweredWithoutTheOrigin() throws Exception {
    Fixture seeder = new Fixture(upstream);
    Metainfo first = seeder.service.metainfo(digest, REGISTRY, REPO);

    Metainfo second = seeder.service.metainfo(digest, REGISTRY, REPO);

    assertThat(second.encode()).isEqualTo(first.encode());
    assertThat(upstream.blobRequests()).isEqualTo(1);
    assertThat(upstream.blobBytesServed()).isEqualTo(content.length);
    assertThat(seeder.engine.torrents()).hasSize(1);
  }

  @Test
  void concurrentRequestsForOneDigestShareOneOriginFetch() throws Exception {
    Fixture seeder = new Fixture(upstream);
    int callers = 8;
    ExecutorService threads = Executors.newFixedThreadPool(callers);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Metainfo>> results = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        results.add(
            threads.submit(
                () -> {
                  start.await();
                  return seeder.service.metainfo(digest, REGISTRY, REPO);
                }));
      }
      start.countDown();

      for (Future<Metainfo> result : results) {
        assertThat(result.get(30, TimeUnit.SECONDS).infoHash())
            .isEqualTo(results.get(0).get().infoHash());
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(upstream.blobRequests()).isEqualTo(1);
    assertThat(upstream.blobBytesServed()).isEqualTo(content.length);
    assertThat(seeder.engine.torrents()).hasSize(1);
  }

  @Test
  void callerWaitingOnAFetchFromAnotherRepositoryTriesItsOwnWhenThatOneFails() throws Exception {
    TestUpstreams.Gated gated = new TestUpstreams.Gated(upstream);
    Fixture seeder = new Fixture(gated);
    RepositoryName otherRepo = new RepositoryName("other/app");
    ExecutorService threads = Executors.newFixedThreadPool(1);
    try {
      Future<Metainfo> wrongRepo =
          threads.submit(() -> seeder.service.metainfo(digest, REGISTRY, otherRepo));
      assertThat(gated.entered.await(30, TimeUnit.SECONDS)).isTrue();
      Metainfo[] result = new Metainfo[1];
      Throwable[] failure = new Throwable[1];
      Thread waiter =
          new Thread(
              () -> {
                try {
                  result[0] = seeder.service.metainfo(digest, REGISTRY, REPO);
                } catch (Throwable t) {
                  failure[0] = t;
                }
              },
              "waiter");
      waiter.start();
      awaitParked(waiter);
      gated.release();

      assertThatThrownBy(() -> wrongRepo.get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(UpstreamBlobUnknownException.class);
      waiter.join(30_000);
      assertThat(failure[0]).isNull();
      assertThat(result[0].name()).isEqualTo(digest.hex());
      assertThat(gated.blobRequests).hasValue(2);
    } finally {
      threads.shutdownNow();
    }
  }

  /** Waits (bounded) until {@code thread} blocks, here: on the leader's result. */
  private static void awaitParked(Thread thread) {
    Await.until(thread.getName() + " to block", () -> thread.getState() == Thread.State.WAITING);
    assertThat(thread.getState()).isEqualTo(Thread.State.WAITING);
  }

  @Test
  void upstreamThatSendsOtherBytesFailsTheCallAndStoresNothing() throws Exception {
    TestUpstreams.Lying lying = new TestUpstreams.Lying(REGISTRY_URI, randomBytes(4096, 2));
    Fixture seeder = new Fixture(lying);

    assertThatThrownBy(() -> seeder.service.metainfo(digest, REGISTRY, REPO))
        .isInstanceOf(OriginDigestMismatchException.class)
        .hasMessageContaining(digest.toString())
        .hasMessageContaining(REGISTRY + "/" + REPO);

    assertNothingStored(seeder);
  }

  @Test
  void blobThatFailsTheStreamVerificationFailsTheCallAndStoresNothing() throws Exception {
    Digest claimed = Digest.sha256(new byte[] {1, 2, 3});
    upstream.putCorruptBlob(REPO, claimed, randomBytes(1000, 3));
    Fixture seeder = new Fixture(upstream);

    assertThatThrownBy(() -> seeder.service.metainfo(claimed, REGISTRY, REPO))
        .isInstanceOf(OriginDigestMismatchException.class)
        .hasMessageContaining(claimed.toString());

    assertNothingStored(seeder);
  }

  @Test
  void failedFetchIsNotRememberedSoTheNextRequestTriesAgain() throws Exception {
    TestUpstreams.Lying lying = new TestUpstreams.Lying(REGISTRY_URI, randomBytes(4096, 2));
    Fixture seeder = new Fixture(lying);
    assertThatThrownBy(() -> seeder.service.metainfo(digest, REGISTRY, REPO))
        .isInstanceOf(OriginFetchException.class);

    assertThatThrownBy(() -> seeder.service.metainfo(digest, REGISTRY, REPO))
        .isInstanceOf(OriginFetchException.class);

    assertThat(lying.blobRequests).hasValue(2);
  }

  @Test
  void unavailableOriginFailsTheCallNamingTheDigest() throws Exception {
    TestUpstreams.Unavailable down = new TestUpstreams.Unavailable(REGISTRY_URI);
    Fixture seeder = new Fixture(down);

    assertThatThrownBy(() -> seeder.service.metainfo(digest, REGISTRY, REPO))
        .isExactlyInstanceOf(OriginFetchException.class)
        .hasMessageContaining("fetch " + digest + " from " + REGISTRY + "/" + REPO);

    assertNothingStored(seeder);
  }

  @Test
  void unknownRegistryIsRejectedWithoutAFetch() throws Exception {
    Fixture seeder = new Fixture(upstream);

    assertThatThrownBy(() -> seeder.service.metainfo(digest, "elsewhere.example:5000", REPO))
        .isInstanceOf(UnknownUpstreamException.class)
        .hasMessage(
            "unknown upstream registry elsewhere.example:5000; configure it under"
                + " seeder.upstreams");

    assertThat(upstream.blobRequests()).isZero();
    assertNothingStored(seeder);
  }

  @Test
  void blobTheUpstreamDoesNotHaveIsReportedAsUnknownUpstream() throws Exception {
    Fixture seeder = new Fixture(upstream);
    Digest absent = Digest.sha256(new byte[] {9});

    assertThatThrownBy(() -> seeder.service.metainfo(absent, REGISTRY, REPO))
        .isInstanceOf(UpstreamBlobUnknownException.class)
        .hasMessageContaining(absent.toString());

    assertNothingStored(seeder);
  }

  @Test
  void originThatStopsSendingIsAbandonedAfterTheOriginTimeout() throws Exception {
    TestUpstreams.Stalling stalling = new TestUpstreams.Stalling(REGISTRY_URI);
    Fixture seeder = new Fixture(stalling, Duration.ofMillis(200), ANNOUNCE);

    assertThatThrownBy(() -> seeder.service.metainfo(digest, REGISTRY, REPO))
        .isExactlyInstanceOf(OriginFetchException.class)
        .hasMessageContaining("seeder.origin-timeout");

    assertThat(seeder.service.originBytes()).isEqualTo(1);
    assertNothingStored(seeder);
  }

  @Test
  void aBlobWithoutRoomAboveTheFreeSpaceFloorIsNotFetchedAndTheErrorSaysWhy() throws Exception {
    Fixture seeder = new Fixture(upstream);
    seeder.service.useRoom(bytes -> false);

    assertThatThrownBy(() -> seeder.service.metainfo(digest, REGISTRY, REPO))
        .isInstanceOf(SeedingException.class)
        .hasMessageContaining("no room for " + content.length + " bytes")
        .hasMessageContaining("seeder.disk-free-min");
    assertNothingStored(seeder);
    assertThat(upstream.blobBytesServed()).isZero();
  }

  @Test
  void restartedSeederSeedsHeldBlobsAgainAndAnswersWithoutTheOrigin() throws Exception {
    Fixture first = new Fixture(upstream);
    Metainfo original = first.service.metainfo(digest, REGISTRY, REPO);
    first.close();

    Fixture second = new Fixture(upstream);
    SeederService.Reindex reindex = second.service.reindex();

    assertThat(reindex).isEqualTo(new SeederService.Reindex(1, 0, 0));
    assertThat(second.engine.torrent(original.infoHash())).isPresent();
    Metainfo again = second.service.metainfo(digest, REGISTRY, REPO);
    assertThat(again.encode()).isEqualTo(original.encode());
    assertThat(upstream.blobRequests()).isEqualTo(1);
    assertThat(upstream.blobBytesServed()).isEqualTo(content.length);
    assertThat(second.service.originBytes()).isZero();
  }

  @Test
  void aBlobZeroedWhileTheSeederWasDownIsDeletedOnVerificationAndFetchedAgain() throws Exception {
    Fixture first = new Fixture(upstream);
    first.service.metainfo(digest, REGISTRY, REPO);
    first.close();
    Path file = dataDir.resolve("blobs/sha256/" + digest.hex());
    Files.write(file, new byte[content.length]);

    Fixture second = new Fixture(upstream);
    Metainfo again = second.service.metainfo(digest, REGISTRY, REPO);

    assertThat(upstream.blobRequests()).isEqualTo(2);
    assertThat(file).hasBinaryContent(content);
    assertThat(second.engine.torrent(again.infoHash())).isPresent();
  }

  @Test
  void aBlobNotYetVerifiedAfterARestartIsFetchedAsIfAbsentAndReplaced() throws Exception {
    Fixture first = new Fixture(upstream);
    first.service.metainfo(digest, REGISTRY, REPO);
    first.close();
    Path file = dataDir.resolve("blobs/sha256/" + digest.hex());
    Files.write(file, new byte[content.length]);

    Fixture second = new Fixture(upstream, ORIGIN_TIMEOUT, ANNOUNCE, false);
    second.service.metainfo(digest, REGISTRY, REPO);
    FileBlobStore.Verification late = second.blobs.verifyFound(d -> {});

    assertThat(upstream.blobRequests()).isEqualTo(2);
    assertThat(file).hasBinaryContent(content);
    assertThat(late.deleted()).as("the replaced file is not judged again").isZero();
  }

  @Test
  void reindexMakesMissingOrDamagedMetainfoAgainAndIgnoresGarbage() throws Exception {
    Fixture first = new Fixture(upstream);
    Metainfo original = first.service.metainfo(digest, REGISTRY, REPO);
    byte[] otherContent = randomBytes(2000, 4);
    Digest other = upstream.putBlob(REPO, otherContent);
    Metainfo otherOriginal = first.service.metainfo(other, REGISTRY, REPO);
    first.close();
    Files.delete(first.metainfos.pathOf(digest));
    Files.writeString(first.metainfos.pathOf(other), "d4:junke");
    Files.writeString(dataDir.resolve("metainfo").resolve("README"), "garbage");
    Files.writeString(dataDir.resolve("blobs").resolve("sha256").resolve("junk"), "garbage");
    Digest orphan = Digest.sha256(new byte[] {7});
    Files.writeString(first.metainfos.pathOf(orphan), "d4:junke");

    Fixture second = new Fixture(upstream);
    SeederService.Reindex reindex = second.service.reindex();

    assertThat(reindex).isEqualTo(new SeederService.Reindex(2, 0, 1));
    assertThat(second.metainfos.get(digest).orElseThrow().infoHash())
        .isEqualTo(original.infoHash());
    assertThat(second.metainfos.get(other).orElseThrow().infoHash())
        .isEqualTo(otherOriginal.infoHash());
    assertThat(second.engine.torrents()).hasSize(2);
    assertThat(upstream.blobRequests()).isEqualTo(2);
  }

  @Test
  void reindexRewritesStoredMetainfoWhoseAnnounceIsNotTheConfiguredOne() throws Exception {
    Fixture first = new Fixture(upstream);
    Metainfo original = first.service.metainfo(digest, REGISTRY, REPO);
    first.close();
    List<URI> moved = List.of(URI.create("http://127.0.0.1:2/announce"));

    Fixture second = new Fixture(upstream, ORIGIN_TIMEOUT, moved);
    second.service.reindex();

    Metainfo rewritten = second.metainfos.get(digest).orElseThrow();
    assertThat(rewritten.announce()).isEqualTo(moved);
    assertThat(rewritten.infoHash()).isEqualTo(original.infoHash());
    assertThat(second.service.metainfo(digest, REGISTRY, REPO).announce()).isEqualTo(moved);
  }

  @Test
  void storedMetainfoWithOtherPiecesThanThisVersionCutsIsMadeAgain() throws Exception {
    Fixture first = new Fixture(upstream);
    Metainfo current = first.service.metainfo(digest, REGISTRY, REPO);
    Path blob = first.blobs.path(digest).orElseThrow();
    int older = 2 * PieceLength.forSize(Files.size(blob));
    first.metainfos.put(digest, Metainfo.create(blob, digest.hex(), ANNOUNCE, older));
    first.close();

    Fixture second = new Fixture(upstream);
    second.service.reindex();

    Metainfo remade = second.metainfos.get(digest).orElseThrow();
    assertThat(remade.pieceLength()).isEqualTo(current.pieceLength());
    assertThat(remade.infoHash()).isEqualTo(current.infoHash());
    assertThat(second.service.metainfo(digest, REGISTRY, REPO).infoHash())
        .isEqualTo(current.infoHash());
    assertThat(upstream.blobRequests()).as("made from the held blob").isEqualTo(1);
  }

  @Test
  void heldBlobIsAnsweredEvenForARegistryThatIsNotConfigured() throws Exception {
    Fixture seeder = new Fixture(upstream);
    Metainfo fetched = seeder.service.metainfo(digest, REGISTRY, REPO);

    Metainfo held = seeder.service.metainfo(digest, "elsewhere.example", REPO);

    assertThat(held.infoHash()).isEqualTo(fetched.infoHash());
    assertThat(upstream.blobRequests()).isEqualTo(1);
  }

  private void assertNothingStored(Fixture seeder) throws IOException {
    assertThat(seeder.blobs.list()).isEmpty();
    assertThat(seeder.metainfos.list()).isEmpty();
    assertThat(seeder.engine.torrents()).isEmpty();
    try (var tmp = Files.list(dataDir.resolve("tmp"))) {
      assertThat(tmp).isEmpty();
    }
  }

  private static void assertPiecesMatch(Metainfo metainfo, byte[] content) throws Exception {
    int pieceLength = metainfo.pieceLength();
    int pieces = (content.length + pieceLength - 1) / pieceLength;
    assertThat(metainfo.pieceCount()).isEqualTo(pieces);
    for (int i = 0; i < pieces; i++) {
      int from = i * pieceLength;
      int to = Math.min(content.length, from + pieceLength);
      byte[] sha1 =
          MessageDigest.getInstance("SHA-1").digest(Arrays.copyOfRange(content, from, to));
      assertThat(metainfo.pieceHash(i)).as("hash of piece %d", i).isEqualTo(sha1);
    }
  }

  static byte[] randomBytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
