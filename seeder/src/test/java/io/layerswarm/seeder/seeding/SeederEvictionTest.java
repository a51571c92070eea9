package io.layerswarm.seeder.seeding;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.client.UpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.registry.store.BlobStore;
import io.layerswarm.registry.store.BlobWriter;
import io.layerswarm.registry.store.FileBlobStore;
import io.layerswarm.seeder.evict.AccessLog;
import io.layerswarm.seeder.evict.EvictOutcome;
import io.layerswarm.seeder.evict.Eviction;
import io.layerswarm.seeder.evict.EvictionSettings;
import io.layerswarm.seeder.evict.EvictionTarget;
import io.layerswarm.seeder.evict.Evictor;
import io.layerswarm.seeder.metrics.SeederMetrics;
import io.layerswarm.seeder.store.FileMetainfoStore;
import io.layerswarm.swarm.EngineConfig;
import io.layerswarm.swarm.SwarmEngine;
import io.layerswarm.swarm.Torrent;
import io.layerswarm.testing.Await;
import io.layerswarm.testing.ManualClock;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eviction against the real service, store and engine. Idle time comes from a fake clock; only
 * transfers between two engines take real time.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SeederEvictionTest {
  private static final URI REGISTRY_URI = URI.create("http://registry.test:5000");
  private static final String REGISTRY = "registry.test:5000";
  private static final RepositoryName REPO = new RepositoryName("library/app");
  private static final List<URI> ANNOUNCE = List.of(URI.create("http://127.0.0.1:1/announce"));
  private static final Duration IDLE = Duration.ofHours(6);

  /** Slow enough that a 1 MiB download lasts seconds: time to sweep while it runs. */
  private static final long UPLOAD_RATE = 256 * 1024;

  @TempDir Path dataDir;
  private final List<SwarmEngine> engines = new ArrayList<>();
  private final ManualClock clock = new ManualClock(Instant.parse("2025-06-01T00:00:00Z"));
  private final AccessLog access = new AccessLog();
  private final List<Eviction> evictions = new ArrayList<>();
  private InMemoryUpstreamRegistry upstream;
  private byte[] content;
  private Digest digest;

  @BeforeEach
  void upstreamWithOneBlob() {
    upstream = new InMemoryUpstreamRegistry(REGISTRY_URI);
    content = SeederServiceTest.randomBytes(1024 * 1024 + 17, 11);
    digest = upstream.putBlob(REPO, content);
  }

  @AfterEach
  void closeEngines() {
    engines.forEach(SwarmEngine::close);
  }

  private SwarmEngine engine(long uploadRate) throws IOException {
    EngineConfig defaults = EngineConfig.defaults(new InetSocketAddress("127.0.0.1", 0));
    SwarmEngine engine =
        SwarmEngine.start(
            new EngineConfig(
                defaults.listen(),
                defaults.announceHost(),
                uploadRate,
                0,
                defaults.maxConnectionsPerTorrent(),
                defaults.peerLimits(),
                defaults.announceInterval(),
                defaults.announceParams(),
                defaults.pieceMemoryBytes(),
                defaults.clusterSecret(),
                defaults.location()));
    engines.add(engine);
    return engine;
  }

  private final class Seeder {
    final BlobStore blobs;
    final FileMetainfoStore metainfos;
    final SwarmEngine engine;
    final SeederService service;
    final SeederMetrics metrics = new SeederMetrics();
    final Evictor evictor;

    Seeder(UpstreamRegistry origin, BlobStore blobs, long uploadRate) throws IOException {
      this.blobs = blobs;
      metainfos = FileMetainfoStore.open(dataDir.resolve("metainfo"));
      engine = engine(uploadRate);
      service =
          new SeederService(
              Upstreams.single(origin),
              blobs,
              metainfos,
              engine,
              ANNOUNCE,
              Duration.ofSeconds(10),
              clock,
              access,
              metrics);
      evictor =
          new Evictor(
              service,
              new EvictionSettings(0, 0, IDLE, Duration.ZERO),
              access,
              clock,
              evictions::add);
    }

    Seeder() throws IOException {
      this(upstream, new FileBlobStore(dataDir), 0);
    }

    boolean holds() {
      return blobs.contains(digest);
    }
  }

  private void advance(Duration by) {
    clock.advance(by);
  }

  /**
   * The seed article's failure: a cache expired images under running pulls, which then failed with
   * "not found". Here the blob is idle by the clock while a peer downloads it from this seeder:
   * sweeps keep it, the download completes, and it is evicted only once the upload has ended and a
   * full time-to-idle has passed since.
   */
  @Test
  void aBlobExpiredByTheClockIsNotEvictedWhileAPeerDownloadsItAndGoesAfterTheUploadEnds()
      throws Exception {
    Seeder seeder = new Seeder(upstream, new FileBlobStore(dataDir), UPLOAD_RATE);
    Metainfo metainfo = seeder.service.metainfo(digest, REGISTRY, REPO);
    Torrent seeding = seeder.engine.torrent(metainfo.infoHash()).orElseThrow();
    seeder.evictor.sweep();
    advance(IDLE.plusHours(1)); // idle-expired before the download even starts

    SwarmEngine leecher = engine(0);
    Path leecherDir = Files.createDirectories(dataDir.resolve("leecher"));
    Path finalFile = leecherDir.resolve(digest.hex());
    Torrent download =
        leecher.download(metainfo, leecherDir.resolve(digest.hex() + ".part"), finalFile);
    download.addPeers(List.of(seeder.engine.listenAddress()));
    Await.until("the leecher connects to the seeder", () -> seeding.connectedPeers() > 0);

    assertThat(seeder.evictor.sweep().evicted()).as("sweep as the download starts").isEmpty();
    Await.until("the first bytes arrive", () -> download.downloadedBytes() > 0);
    assertThat(download.isComplete()).as("still downloading (upload is rate-limited)").isFalse();
    advance(IDLE.plusHours(1));
    assertThat(seeder.evictor.sweep().evicted()).as("sweep mid-download").isEmpty();
    assertThat(seeder.holds()).isTrue();

    assertThat(download.completion().get(60, TimeUnit.SECONDS)).isEqualTo(finalFile);
    assertThat(Files.readAllBytes(finalFile)).isEqualTo(content);
    Await.until(
        "the complete leecher disconnects (two seeds)", () -> seeding.connectedPeers() == 0);

    // The upload moved the counter since the last sweep: a use, so the idle time starts again.
    assertThat(seeder.evictor.sweep().evicted()).isEmpty();
    advance(IDLE.minusMinutes(1));
    assertThat(seeder.evictor.sweep().evicted()).isEmpty();
    advance(Duration.ofMinutes(1));
    assertThat(seeder.evictor.sweep().evicted())
        .extracting(Eviction::digest)
        .containsExactly(digest);

    assertThat(seeder.holds()).isFalse();
    assertThat(seeder.metainfos.get(digest)).isEmpty();
    assertThat(seeder.engine.torrent(metainfo.infoHash())).isEmpty();
    assertThat(evictions)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo(Eviction.Reason.IDLE);
              assertThat(e.sizeBytes()).isEqualTo(content.length);
            });
  }

  @Test
  void anEvictedBlobIsFetchedAgainOnTheNextRequestNeverNotFound() throws Exception {
    Seeder seeder = new Seeder();
    Metainfo first = seeder.service.metainfo(digest, REGISTRY, REPO);
    advance(IDLE);
    assertThat(seeder.evictor.sweep().evicted()).hasSize(1);

    Metainfo again = seeder.service.metainfo(digest, REGISTRY, REPO);

    assertThat(again.infoHash()).isEqualTo(first.infoHash());
    assertThat(seeder.holds()).isTrue();
    assertThat(seeder.engine.torrent(again.infoHash())).isPresent();
    assertThat(upstream.blobRequests()).isEqualTo(2);
  }

  @Test
  void everyRequestRefreshesTheTimeToIdle() throws Exception {
    Seeder seeder = new Seeder();
    seeder.service.metainfo(digest, REGISTRY, REPO);
    advance(IDLE.minusMinutes(1));
    seeder.service.metainfo(digest, REGISTRY, REPO);
    advance(Duration.ofMinutes(2));

    assertThat(seeder.evictor.sweep().evicted()).isEmpty();
    assertThat(upstream.blobRequests()).isEqualTo(1);
  }

  @Test
  void aBlobBeingFetchedIsNotEvicted() throws Exception {
    TestUpstreams.Gated gated = new TestUpstreams.Gated(upstream);
    Seeder seeder = new Seeder(gated, new FileBlobStore(dataDir), 0);
    ExecutorService threads = Executors.newSingleThreadExecutor();
    try {
      Future<Metainfo> fetch =
          threads.submit(() -> seeder.service.metainfo(digest, REGISTRY, REPO));
      assertThat(gated.entered.await(30, TimeUnit.SECONDS)).isTrue();

      assertThat(seeder.service.evict(digest, EvictionTarget.ANY_GENERATION).outcome())
          .isEqualTo(EvictOutcome.FETCHING);
      assertThat(seeder.service.held()).isEmpty(); // nothing committed yet

      gated.release();
      assertThat(fetch.get(30, TimeUnit.SECONDS).name()).isEqualTo(digest.hex());
      assertThat(seeder.holds()).isTrue();
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aRequestAfterTheEvictorsDecisionKeepsTheBlobSeeded() throws Exception {
    Seeder seeder = new Seeder();
    Metainfo metainfo = seeder.service.metainfo(digest, REGISTRY, REPO);
    long decidedAt = access.generation(digest);
    seeder.service.metainfo(digest, REGISTRY, REPO);

    assertThat(seeder.service.evict(digest, decidedAt).outcome()).isEqualTo(EvictOutcome.IN_USE);
    assertThat(seeder.holds()).isTrue();
    assertThat(seeder.engine.torrent(metainfo.infoHash())).isPresent();
    seeder.service.metainfo(digest, REGISTRY, REPO);
    assertThat(upstream.blobRequests()).isEqualTo(1);
  }

  @Test
  void aRequestDuringAnEvictionWaitsForItAndFetchesTheBlobAgain() throws Exception {
    CountDownLatch deleting = new CountDownLatch(1);
    CountDownLatch mayDelete = new CountDownLatch(1);
    BlobStore slowDelete =
        new DelegatingBlobStore(new FileBlobStore(dataDir)) {
          @Override
          public boolean delete(Digest blob) throws IOException {
            deleting.countDown();
            try {
              mayDelete.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return super.delete(blob);
          }
        };
    Seeder seeder = new Seeder(upstream, slowDelete, 0);
    seeder.service.metainfo(digest, REGISTRY, REPO);
    ExecutorService threads = Executors.newSingleThreadExecutor();
    try {
      Future<EvictionTarget.Result> eviction =
          threads.submit(() -> seeder.service.evict(digest, EvictionTarget.ANY_GENERATION));
      assertThat(deleting.await(30, TimeUnit.SECONDS)).isTrue();
      AtomicReference<Metainfo> answer = new AtomicReference<>();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread request =
          new Thread(
              () -> {
                try {
                  answer.set(seeder.service.metainfo(digest, REGISTRY, REPO));
                } catch (Throwable t) {
                  failure.set(t);
                }
              },
              "request-during-eviction");
      request.start();
      Await.until(
          "the request waits for the eviction", () -> request.getState() == Thread.State.WAITING);

      mayDelete.countDown();

      assertThat(eviction.get(30, TimeUnit.SECONDS).outcome()).isEqualTo(EvictOutcome.EVICTED);
      request.join(30_000);
      assertThat(failure.get()).isNull();
      Metainfo metainfo = answer.get();
      assertThat(metainfo.name()).isEqualTo(digest.hex());
      assertThat(seeder.holds()).isTrue();
      assertThat(seeder.engine.torrent(metainfo.infoHash())).isPresent();
      assertThat(upstream.blobRequests()).isEqualTo(2);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void cacheHitsAndMissesAreCounted() throws Exception {
    Seeder seeder = new Seeder();
    seeder.service.metainfo(digest, REGISTRY, REPO);
    seeder.service.metainfo(digest, REGISTRY, REPO);
    seeder.service.metainfo(digest, REGISTRY, REPO);

    String text = seeder.metrics.scrape();
    assertThat(text)
        .contains("seeder_cache_lookups_total{result=\"miss\"} 1.0")
        .contains("seeder_cache_lookups_total{result=\"hit\"} 2.0");
  }

  /** Passes every call to another store. */
  private static class DelegatingBlobStore implements BlobStore {
    private final BlobStore delegate;

    DelegatingBlobStore(BlobStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public boolean contains(Digest d) {
      return delegate.contains(d);
    }

    @Override
    public OptionalLong size(Digest d) {
      return delegate.size(d);
    }

    @Override
    public InputStream open(Digest d, long offset) throws IOException {
      return delegate.open(d, offset);
    }

    @Override
    public BlobWriter create(Digest expected) throws IOException {
      return delegate.create(expected);
    }

    @Override
    public void adopt(Digest d, Path file) throws IOException {
      delegate.adopt(d, file);
    }

    @Override
    public boolean delete(Digest d) throws IOException {
      return delegate.delete(d);
    }

    @Override
    public List<Digest> list() throws IOException {
      return delegate.list();
    }

    @Override
    public long totalBytes() throws IOException {
      return delegate.totalBytes();
    }

    @Override
    public Optional<Path> path(Digest d) {
      return delegate.path(d);
    }
  }
}
