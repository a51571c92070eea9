package io.layerswarm.agent.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.agent.cache.BlobLeases;
import io.layerswarm.agent.mirror.TransferProgress.Phase;
import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.MetainfoAnswer;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.store.FileBlobStore;
import io.layerswarm.testing.Await;
import io.layerswarm.testing.ManualClock;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fetch decisions with a fake swarm, a hand-driven metainfo source and a clock the test
 * advances; blocking work runs on the calling thread, so every step is deterministic.
 */
class BlobFetcherTest {
  private static final RepositoryName REPO = new RepositoryName("test/app");
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final List<URI> OUR_ANNOUNCE = List.of(URI.create("http://tracker:6969/announce"));
  private static final int PIECE = 16 * 1024;

  @TempDir Path dir;
  private FileBlobStore store;
  private InMemoryUpstreamRegistry origin;
  private UpstreamChoice upstream;
  private FakeSwarm swarm;
  private ManualClock clock;
  private HandDrivenMetainfo metainfo;
  private BlobFetcher fetcher;
  private CacheSeeder seeder;

  private static final class HandDrivenMetainfo implements MetainfoSource {
    final List<CompletableFuture<MetainfoAnswer>> calls = new CopyOnWriteArrayList<>();
    final List<String> asked = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<MetainfoAnswer> fetch(
        String registryHost, RepositoryName repo, Digest digest) {
      asked.add(registryHost + " " + repo + " " + digest);
      CompletableFuture<MetainfoAnswer> call = new CompletableFuture<>();
      calls.add(call);
      return call;
    }

    CompletableFuture<MetainfoAnswer> only() {
      assertThat(calls).hasSize(1);
      return calls.get(0);
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    store = new FileBlobStore(dir.resolve("store"));
    origin = new InMemoryUpstreamRegistry(URI.create("http://origin.test:5000"));
    upstream = new UpstreamChoice("origin.test:5000", origin);
    swarm = new FakeSwarm();
    clock = new ManualClock();
    metainfo = new HandDrivenMetainfo();
    seeder = new CacheSeeder(store, swarm, dir.resolve("torrents"), OUR_ANNOUNCE);
    fetcher =
        new BlobFetcher(
            store,
            metainfo,
            swarm,
            seeder,
            Runnable::run,
            clock,
            dir.resolve("partial"),
            OUR_ANNOUNCE,
            DEADLINE);
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** Metainfo as a seeder would make it: named by the digest hex, announcing its own tracker. */
  private Metainfo seederMetainfo(byte[] content, String name) throws IOException {
    Path file = Files.write(Files.createTempFile(dir, "seed", ".blob"), content);
    return Metainfo.create(
        file, name, List.of(URI.create("http://seeders-tracker/announce")), PIECE);
  }

  private byte[] stored(Digest digest) throws IOException {
    try (InputStream in = store.open(digest, 0)) {
      return in.readAllBytes();
    }
  }

  private static void await(CompletableFuture<Void> fetch) throws Exception {
    fetch.get(10, TimeUnit.SECONDS);
  }

  @Test
  void withoutMetainfoWithinTheDeadlineTheBlobComesFromTheOrigin() throws Exception {
    byte[] content = randomBytes(100_000, 1);
    Digest digest = origin.putBlob(REPO, content);

    CompletableFuture<Void> fetch = fetcher.fetch(upstream, REPO, digest);
    assertThat(metainfo.asked).containsExactly("origin.test:5000 test/app " + digest);
    assertThat(fetcher.transfers())
        .extracting(TransferProgress::phase)
        .containsExactly(Phase.METAINFO);
    clock.advance(DEADLINE.minusSeconds(1));
    fetcher.tick();
    assertThat(fetch).isNotDone();

    clock.advance(Duration.ofSeconds(1));
    fetcher.tick();

    await(fetch);
    assertThat(store.contains(digest)).isTrue();
    assertThat(metainfo.only()).isCancelled();
    assertThat(fetcher.counts().bytesFromOrigin()).isEqualTo(content.length);
    assertThat(fetcher.transfers()).isEmpty();
  }

  /** A fetch of a blob of the origin's, downloading from the (fake) swarm. */
  private record Downloading(
      CompletableFuture<Void> fetch,
      Digest digest,
      byte[] content,
      FakeSwarm.FakeTorrent torrent) {}

  private Downloading downloading(long seed) throws IOException {
    byte[] content = randomBytes(100_000, seed);
    Digest digest = origin.putBlob(REPO, content);
    CompletableFuture<Void> fetch = fetcher.fetch(upstream, REPO, digest);
    metainfo.only().complete(ScriptedMetainfo.torrentOnly(seederMetainfo(content, digest.hex())));
    return new Downloading(fetch, digest, content, swarm.onlyDownload().torrent());
  }

  @Test
  void whenEveryTrackerCannotServeAndNoPeerIsConnectedTheOriginIsUsedAtOnce() throws Exception {
    Downloading download = downloading(11);
    assertThat(download.fetch()).isNotDone();

    download
        .torrent()
        .trackersDown
        .complete(
            Optional.of("every tracker is unusable: announce to a: peer store unavailable, retry"));

    await(download.fetch()); // the clock never moved: no deadline was waited for
    assertThat(store.contains(download.digest())).isTrue();
    assertThat(origin.blobRequests()).isEqualTo(1);
    assertThat(fetcher.counts().bytesFromOrigin()).isEqualTo(download.content().length);
  }

  @Test
  void whenTheTrackersAreDownADownloadWithPeersGoesOnUntilTheyAreGone() throws Exception {
    Downloading download = downloading(12);
    download.torrent().connectedPeers = 2;

    download.torrent().trackersDown.complete(Optional.of("every tracker is unusable"));
    fetcher.tick();
    assertThat(download.fetch()).isNotDone();
    assertThat(origin.blobRequests()).isZero();

    download.torrent().connectedPeers = 0;
    fetcher.tick();

    await(download.fetch());
    assertThat(origin.blobRequests()).isEqualTo(1);
  }

  @Test
  void trackersThatAcceptedLeaveTheDownloadToItsDeadline() throws Exception {
    Downloading download = downloading(13);

    download.torrent().trackersDown.complete(Optional.empty());
    fetcher.tick();

    assertThat(download.fetch()).isNotDone();
    assertThat(origin.blobRequests()).isZero();
  }

  @Test
  void whenTheTrackersHaveNoMetainfoTheOriginIsUsedAtOnce() throws Exception {
    Digest digest = origin.putBlob(REPO, randomBytes(5000, 2));

    CompletableFuture<Void> fetch = fetcher.fetch(upstream, REPO, digest);
    metainfo.only().completeExceptionally(new MetainfoUnavailableException("tracker: HTTP 404"));

    await(fetch);
    assertThat(store.contains(digest)).isTrue();
    assertThat(origin.blobRequests()).isEqualTo(1);
  }

  @Test
  void concurrentFetchesOfOneDigestShareOneTransfer() throws Exception {
    Digest digest = origin.putBlob(REPO, randomBytes(5000, 3));

    List<CompletableFuture<Void>> fetches =
        List.of(
            fetcher.fetch(upstream, REPO, digest),
            fetcher.fetch(upstream, REPO, digest),
            fetcher.fetch(upstream, REPO, digest));
    assertThat(fetcher.transfers()).hasSize(1);
    metainfo.only().completeExceptionally(new MetainfoUnavailableException("none"));

    for (CompletableFuture<Void> fetch : fetches) {
      await(fetch);
    }
    assertThat(origin.blobRequests()).isEqualTo(1);
  }

  @Test
  void oneCallerGivingUpDoesNotStopTheSharedTransfer() throws Exception {
    Digest digest = origin.putBlob(REPO, randomBytes(5000, 4));
    CompletableFuture<Void> impatient = fetcher.fetch(upstream, REPO, digest);
    CompletableFuture<Void> patient = fetcher.fetch(upstream, REPO, digest);

    impatient.cancel(true);
    metainfo.only().completeExceptionally(new MetainfoUnavailableException("none"));

    await(patient);
    assertThat(store.contains(digest)).isTrue();
  }

  @Test
  void aFinishedSwarmDownloadIsAdoptedSavedAndItsTorrentGoesOnSeeding() throws Exception {
    byte[] content = randomBytes(100_000, 5);
    Digest digest = Digest.sha256(content);
    Metainfo meta = seederMetainfo(content, digest.hex());

    CompletableFuture<Void> fetch = fetcher.fetch(upstream, REPO, digest);
    metainfo.only().complete(ScriptedMetainfo.torrentOnly(meta));
    FakeSwarm.Download download = swarm.onlyDownload();
    assertThat(download.metainfo().announce()).isEqualTo(OUR_ANNOUNCE);
    assertThat(download.metainfo().infoHash()).isEqualTo(meta.infoHash());
    assertThat(download.partFile())
        .isEqualTo(dir.resolve("partial").resolve(digest.hex() + ".part"));
    assertThat(fetcher.transfers())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.phase()).isEqualTo(Phase.SWARM);
              assertThat(t.totalBytes()).hasValue(content.length);
            });
    download.torrent().finish(content);

    await(fetch);
    assertThat(store.contains(digest)).isTrue();
    assertThat(Files.exists(download.finalFile())).isFalse();
    // The download's torrent goes on as the seed, its connections kept: not stopped, not replaced.
    assertThat(swarm.removed).isEmpty();
    assertThat(swarm.seeds).isEmpty();
    assertThat(swarm.torrents()).containsExactly(download.torrent());
    Metainfo saved = Metainfo.parse(Files.readAllBytes(seeder.torrentFile(digest)));
    assertThat(saved.infoHash()).isEqualTo(meta.infoHash());
    assertThat(saved.announce()).isEqualTo(OUR_ANNOUNCE);
    assertThat(origin.blobRequests()).isZero();
    assertThat(fetcher.counts().bytesFromSwarm()).isEqualTo(content.length);
  }

  @Test
  void aTinyBlobInlinedInItsMetainfoAnswerIsStoredWithoutAnySwarmOrOrigin() throws Exception {
    byte[] content = randomBytes(913, 31);
    Digest digest = origin.putBlob(REPO, content);
    Metainfo meta = seederMetainfo(content, digest.hex());

    CompletableFuture<Void> fetch = fetcher.fetch(upstream, REPO, digest);
    metainfo.only().complete(MetainfoAnswer.parse(MetainfoAnswer.encode(meta, content)));

    await(fetch);
    assertThat(stored(digest)).isEqualTo(content);
    assertThat(swarm.downloads).as("torrents started").isEmpty();
    assertThat(swarm.seeds).as("torrents seeded").isEmpty();
    assertThat(origin.blobRequests()).isZero();
    assertThat(fetcher.counts().blobsInline()).isEqualTo(1);
    assertThat(fetcher.counts().bytesFromSwarm()).isZero();
    assertThat(fetcher.counts().blobsFromSwarm()).isZero();
  }

  @Test
  void inlinedBytesThatAreNotTheBlobAreNeverStoredAndTheSwarmServesIt() throws Exception {
    byte[] content = randomBytes(913, 32);
    Digest digest = origin.putBlob(REPO, content);
    Metainfo meta = seederMetainfo(content, digest.hex());
    byte[] forged = content.clone();
    forged[100] ^= 1;

    CompletableFuture<Void> fetch = fetcher.fetch(upstream, REPO, digest);
    metainfo.only().complete(MetainfoAnswer.parse(MetainfoAnswer.encode(meta, forged)));

    FakeSwarm.Download download = swarm.onlyDownload();
    assertThat(store.contains(digest)).isFalse();
    assertThat(fetcher.counts().inlineRejected()).isEqualTo(1);
    download.torrent().finish(content);
    await(fetch);
    assertThat(stored(digest)).isEqualTo(content);
    assertThat(fetcher.counts().blobsInline()).isZero();
    assertThat(fetcher.counts().blobsFromSwarm()).isEqualTo(1);
    assertThat(origin.blobRequests()).isZero();
  }

  @Test
  void aStalledSwarmDownloadFallsBackToTheOrigin() throws Exception {
    byte[] content = randomBytes(100_000, 6);
    Digest digest = origin.putBlob(REPO, content);
    Metainfo meta = seederMetainfo(content, digest.hex());
    CompletableFuture<Void> fetch = fetcher.fetch(upstream, REPO, digest);
    clock.advance(Duration.ofSeconds(30));
    metainfo.only().complete(ScriptedMetainfo.torrentOnly(meta));

    clock.advance(DEADLINE.minusSeconds(1));
    fetcher.tick();
    assertThat(fetch).isNotDone();
    clock.advance(Duration.ofSeconds(1));
    fetcher.tick();

    await(fetch);
    assertThat(swarm.removed).containsExactly(meta.infoHash());
    assertThat(origin.blobRequests()).isEqualTo(1);
    assertThat(store.contains(digest)).isTrue();
    assertThat(swarm.seeds).isEmpty();
  }

  @Test
  void newlyVerifiedPiecesKeepTheSwarmDownloadGoing() throws Exception {
    byte[] content = randomBytes(100_000, 7);
    Digest digest = origin.putBlob(REPO, content);
    CompletableFuture<Void> fetch = fetcher.fetch(upstream, REPO, digest);
    metainfo.only().complete(ScriptedMetainfo.torrentOnly(seederMetainfo(content, digest.hex())));
    FakeSwarm.FakeTorrent torrent = swarm.onlyDownload().torrent();

    for (int step = 1; step <= 5; step++) {
      clock.advance(Duration.ofSeconds(50));
      torrent.verifiedBytes = step * PIECE;
      fetcher.tick();
    }
    assertThat(fetch).isNotDone();
    assertThat(swarm.removed).isEmpty();
    torrent.finish(content);

    await(fetch);
    assertThat(origin.blobRequests()).isZero();
  }

  @Test
  void metainfoNamingAnotherBlobIsRejectedAndTheOriginUsed() throws Exception {
    byte[] content = randomBytes(20_000, 8);
    Digest digest = origin.putBlob(REPO, content);
    Digest other = Digest.sha256(new byte[] {1});

    CompletableFuture<Void> fetch = fetcher.fetch(upstream, REPO, digest);
    metainfo.only().complete(ScriptedMetainfo.torrentOnly(seederMetainfo(content, other.hex())));

    await(fetch);
    assertThat(swarm.downloads).isEmpty();
    assertThat(origin.blobRequests()).isEqualTo(1);
  }

  @Test
  void aSwarmDownloadWithTheWrongContentIsDeletedAndTheFetchFails() throws Exception {
    byte[] wanted = randomBytes(30_000, 9);
    byte[] impostor = randomBytes(30_000, 10);
    Digest digest = Digest.sha256(wanted);

    CompletableFuture<Void> fetch = fetcher.fetch(upstream, REPO, digest);
    metainfo.only().complete(ScriptedMetainfo.torrentOnly(seederMetainfo(impostor, digest.hex())));
    FakeSwarm.Download download = swarm.onlyDownload();
    download.torrent().finish(impostor);

    assertThatThrownBy(() -> fetch.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(BlobVerificationException.class)
        .hasMessageContaining(digest.toString());
    assertThat(store.contains(digest)).isFalse();
    assertThat(Files.exists(download.finalFile())).isFalse();
    assertThat(swarm.removed).containsExactly(download.metainfo().infoHash());
    assertThat(swarm.seeds).isEmpty();
    assertThat(fetcher.transfers()).isEmpty();
  }

  @Test
  void aCorruptBlobFromTheOriginIsNotStored() throws Exception {
    Digest claimed = Digest.sha256(new byte[] {42});
    origin.putCorruptBlob(REPO, claimed, new byte[] {43});

    CompletableFuture<Void> fetch = fetcher.fetch(upstream, REPO, claimed);
    metainfo.only().completeExceptionally(new MetainfoUnavailableException("none"));

    assertThatThrownBy(() -> fetch.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(BlobVerificationException.class);
    assertThat(store.contains(claimed)).isFalse();
  }

  @Test
  void aBlobMissingAtTheOriginFailsWithBlobNotFound() {
    Digest missing = Digest.sha256(new byte[] {7});

    CompletableFuture<Void> fetch = fetcher.fetch(upstream, REPO, missing);
    metainfo.only().completeExceptionally(new MetainfoUnavailableException("none"));

    assertThatThrownBy(() -> fetch.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(BlobNotFoundException.class)
        .hasMessageContaining("origin.test:5000");
  }

  @Test
  void aBlobAlreadyStoredIsNotFetchedAgain() throws Exception {
    byte[] content = randomBytes(1000, 11);
    Digest digest = Digest.sha256(content);
    try (var writer = store.create(digest)) {
      writer.write(content);
      writer.commit();
    }

    await(fetcher.fetch(upstream, REPO, digest));

    assertThat(metainfo.calls).isEmpty();
  }

  @Test
  void anOriginThatStallsMidBodyIsGivenUpWithinItsTimeoutAndLeavesNoFileBehind() throws Exception {
    FaultyUpstream stalling = new FaultyUpstream(URI.create("http://origin.test:5000"));
    Digest digest = stalling.origin.putBlob(REPO, randomBytes(200_000, 31));
    stalling.stallBodiesAfter(1000);
    Duration timeout = Duration.ofMillis(200);
    BlobFetcher originOnly =
        new BlobFetcher(
            store,
            metainfo,
            swarm,
            seeder,
            Runnable::run,
            clock,
            dir.resolve("partial"),
            List.of(),
            DEADLINE,
            new OriginLimits(timeout, 16 * 1024));

    long start = System.nanoTime();
    CompletableFuture<Void> fetch =
        originOnly.fetch(new UpstreamChoice("origin.test:5000", stalling), REPO, digest);

    assertThatThrownBy(() -> fetch.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(UpstreamUnavailableException.class)
        .hasMessageContaining("gave up after 1000 bytes")
        .hasMessageContaining("agent.origin-timeout");
    // Two periods at most, with room for a loaded machine; without a watchdog it never ends.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(store.contains(digest)).isFalse();
    try (var partial = Files.list(dir.resolve("partial"))) {
      assertThat(partial).isEmpty();
    }
  }

  @Test
  void withoutTrackersTheSwarmIsNeverAsked() throws Exception {
    Digest digest = origin.putBlob(REPO, randomBytes(1000, 12));
    BlobFetcher originOnly =
        new BlobFetcher(
            store,
            metainfo,
            swarm,
            seeder,
            Runnable::run,
            clock,
            dir.resolve("partial"),
            List.of(),
            DEADLINE);

    await(originOnly.fetch(upstream, REPO, digest));

    assertThat(metainfo.calls).isEmpty();
    assertThat(store.contains(digest)).isTrue();
  }

  @Test
  void restartSeedsOnlyCachedBlobsWhoseSavedMetainfoMatches() throws Exception {
    byte[] first = randomBytes(20_000, 13);
    byte[] second = randomBytes(20_000, 14);
    Digest firstDigest = Digest.sha256(first);
    Digest secondDigest = Digest.sha256(second);
    for (byte[] content : List.of(first, second)) {
      try (var writer = store.create(Digest.sha256(content))) {
        writer.write(content);
        writer.commit();
      }
    }
    Files.createDirectories(dir.resolve("torrents"));
    Files.write(seeder.torrentFile(firstDigest), seederMetainfo(first, firstDigest.hex()).encode());
    // Metainfo saved for the second blob but describing another one: not seeded.
    Files.write(
        seeder.torrentFile(secondDigest), seederMetainfo(first, firstDigest.hex()).encode());

    int seeded = seeder.reseedCached();

    assertThat(seeded).isEqualTo(1);
    assertThat(swarm.seeds)
        .singleElement()
        .satisfies(
            seed -> {
              assertThat(seed.file()).isEqualTo(store.path(firstDigest).orElseThrow());
              assertThat(seed.metainfo().announce()).isEqualTo(OUR_ANNOUNCE);
            });
  }

  @Test
  void afterTheSwarmsCopyFailedVerificationTheOriginServesTheBlobUntilTheRefusalEnds()
      throws Exception {
    byte[] wanted = randomBytes(30_000, 20);
    Digest digest = origin.putBlob(REPO, wanted);
    CompletableFuture<Void> first = fetcher.fetch(upstream, REPO, digest);
    metainfo
        .only()
        .complete(
            ScriptedMetainfo.torrentOnly(seederMetainfo(randomBytes(30_000, 21), digest.hex())));
    swarm.onlyDownload().torrent().finish(randomBytes(30_000, 21));
    assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(BlobVerificationException.class);

    await(fetcher.fetch(upstream, REPO, digest));

    assertThat(metainfo.calls).as("the retry did not ask the trackers").hasSize(1);
    assertThat(origin.blobRequests()).isEqualTo(1);
    assertThat(store.contains(digest)).isTrue();
    assertThat(fetcher.swarmRefused(digest)).isTrue();
    clock.advance(BlobFetcher.SWARM_REFUSAL);
    fetcher.tick();
    assertThat(fetcher.swarmRefused(digest)).isFalse();
  }

  @Test
  void aStalledDownloadKeepsItsVerifiedPrefixAndAsksTheOriginOnlyForTheRest() throws Exception {
    byte[] content = randomBytes(10 * PIECE + 99, 22);
    Digest digest = origin.putBlob(REPO, content);
    CompletableFuture<Void> fetch = fetcher.fetch(upstream, REPO, digest);
    metainfo.only().complete(ScriptedMetainfo.torrentOnly(seederMetainfo(content, digest.hex())));
    FakeSwarm.FakeTorrent torrent = swarm.onlyDownload().torrent();
    torrent.provide(content);
    torrent.verifyUpTo(4 * PIECE);
    torrent.received(7 * PIECE); // Three pieces after a gap: not part of the verified start.
    fetcher.tick();
    clock.advance(DEADLINE);

    fetcher.tick();

    await(fetch);
    assertThat(store.contains(digest)).isTrue();
    assertThat(origin.blobBytesServed()).isEqualTo(content.length - 4 * PIECE);
    assertThat(fetcher.counts().bytesFromOrigin()).isEqualTo(content.length - 4 * PIECE);
    // The cached blob's bytes, by where they came from: the pieces after the gap were dropped.
    assertThat(fetcher.counts().bytesFromSwarm()).isEqualTo(4 * PIECE);
    try (Stream<Path> left = Files.list(dir.resolve("partial"))) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void anOriginThatIgnoresRangeIsReadFromTheStartSkippingWhatTheSwarmGave() throws Exception {
    byte[] content = randomBytes(6 * PIECE, 23);
    Digest digest = origin.putBlob(REPO, content);
    FaultyUpstream noRanges = new FaultyUpstream(origin);
    noRanges.ignoreRanges();
    CompletableFuture<Void> fetch =
        fetcher.fetch(new UpstreamChoice("origin.test:5000", noRanges), REPO, digest);
    metainfo.only().complete(ScriptedMetainfo.torrentOnly(seederMetainfo(content, digest.hex())));
    FakeSwarm.FakeTorrent torrent = swarm.onlyDownload().torrent();
    torrent.provide(content);
    torrent.verifyUpTo(2 * PIECE);
    fetcher.tick();
    clock.advance(DEADLINE);

    fetcher.tick();

    await(fetch);
    assertThat(store.contains(digest)).isTrue();
    assertThat(Files.readAllBytes(store.path(digest).orElseThrow())).isEqualTo(content);
    assertThat(origin.blobBytesServed()).isEqualTo(content.length);
  }

  @Test
  void aStreamWaitingOnAStuckTransferGivesUpOnceTheClockPassesTheStallLimit() throws Exception {
    byte[] content = randomBytes(3 * PIECE, 30);
    Digest digest = Digest.sha256(content);
    // The store's check never runs: the transfer stays VERIFYING.
    List<Runnable> held = new CopyOnWriteArrayList<>();
    BlobFetcher stuck =
        new BlobFetcher(
            store,
            metainfo,
            swarm,
            seeder,
            held::add,
            clock,
            dir.resolve("partial"),
            OUR_ANNOUNCE,
            DEADLINE);
    CompletableFuture<Optional<LiveBlob>> opened =
        stuck.open(upstream, REPO, digest, new BlobLeases().acquire(digest));
    metainfo.only().complete(ScriptedMetainfo.torrentOnly(seederMetainfo(content, digest.hex())));
    LiveBlob live = opened.get(10, TimeUnit.SECONDS).orElseThrow();
    swarm.onlyDownload().torrent().finish(content);
    assertThat(held).hasSize(1);
    ExecutorService readers = Executors.newSingleThreadExecutor();
    AtomicReference<Thread> reader = new AtomicReference<>();
    try (InputStream in = live.open(0, content.length)) {
      Future<Integer> read =
          readers.submit(
              () -> {
                reader.set(Thread.currentThread());
                return in.read(new byte[PIECE]);
              });
      Await.until(
          "the stream to wait for the transfer to move on",
          () -> reader.get() != null && reader.get().getState() == Thread.State.WAITING);

      clock.advance(Transfer.STREAM_STALL_LIMIT);
      stuck.tick();

      assertThatThrownBy(() -> read.get(10, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(BlobReadException.class)
          .hasMessageContaining("gave up waiting for the transfer to move on");
    } finally {
      readers.shutdownNow();
    }
  }
}
