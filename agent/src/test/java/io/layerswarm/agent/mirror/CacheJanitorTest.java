package io.layerswarm.agent.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.agent.cache.BlobLeases;
import io.layerswarm.agent.cache.CachePolicy;
import io.layerswarm.agent.cache.CachePolicy.Eviction;
import io.layerswarm.agent.cache.CachePolicy.Reason;
import io.layerswarm.core.Digest;
import io.layerswarm.core.disk.DiskSpace;
import io.layerswarm.core.disk.FreeSpaceFloor;
import io.layerswarm.core.disk.SpaceLimit;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.registry.store.BlobWriter;
import io.layerswarm.registry.store.FileBlobStore;
import io.layerswarm.testing.ManualClock;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The janitor over a real store, a fake swarm and a clock the test moves: what it evicts, what it
 * never touches, and what an eviction removes.
 */
class CacheJanitorTest {
  private static final List<URI> ANNOUNCE = List.of(URI.create("http://tracker:6969/announce"));
  private static final RepositoryName REPO = new RepositoryName("test/app");

  @TempDir Path dir;
  private FileBlobStore store;
  private FakeSwarm swarm;
  private CacheSeeder seeder;
  private BlobLeases leases;
  private ManualClock clock;
  private ScriptedMetainfo metainfo;
  private BlobFetcher fetcher;

  @BeforeEach
  void setUp() throws IOException {
    store = new FileBlobStore(dir.resolve("store"));
    swarm = new FakeSwarm();
    seeder = new CacheSeeder(store, swarm, dir.resolve("torrents"), ANNOUNCE);
    leases = new BlobLeases();
    clock = new ManualClock();
    metainfo = new ScriptedMetainfo();
    fetcher =
        new BlobFetcher(
            store,
            metainfo,
            swarm,
            seeder,
            Runnable::run,
            clock,
            dir.resolve("partial"),
            ANNOUNCE,
            Duration.ofSeconds(60));
  }

  private CacheJanitor janitor(CachePolicy policy) {
    return new CacheJanitor(store, swarm, swarm::torrents, seeder, leases, fetcher, policy, clock);
  }

  /** A cached blob of {@code size} bytes, last accessed {@code ago} before now, seeded. */
  private Digest cached(int size, Duration ago, long seed) throws IOException {
    byte[] content = new byte[size];
    new Random(seed).nextBytes(content);
    Digest digest = Digest.sha256(content);
    try (BlobWriter writer = store.create(digest)) {
      writer.write(content);
      writer.commit();
    }
    Path file = store.path(digest).orElseThrow();
    Metainfo meta = Metainfo.create(file, digest.hex(), ANNOUNCE, 16 * 1024);
    seeder.seedAdopted(digest, meta);
    Files.setLastModifiedTime(file, FileTime.from(clock.instant().minus(ago)));
    return digest;
  }

  private FakeSwarm.FakeTorrent seedOf(Digest digest) {
    return swarm.seeds.stream()
        .filter(s -> s.metainfo().name().equals(digest.hex()))
        .reduce((a, b) -> b)
        .orElseThrow()
        .torrent();
  }

  @Test
  void overTheHighWatermarkTheLeastRecentlyUsedBlobsGoWithTheirTorrentAndMetainfo()
      throws IOException {
    Digest oldest = cached(4000, Duration.ofHours(3), 1);
    Digest middle = cached(3000, Duration.ofHours(2), 2);
    Digest newest = cached(3000, Duration.ofHours(1), 3);
    CacheJanitor janitor = janitor(new CachePolicy(10_000, 90, 50, Duration.ZERO));
    int removedBefore = swarm.removed.size();

    List<Eviction> evicted = janitor.run();

    assertThat(evicted).extracting(Eviction::digest).containsExactly(oldest, middle);
    assertThat(store.list()).containsExactly(newest);
    assertThat(swarm.removed.subList(removedBefore, swarm.removed.size()))
        .containsExactlyInAnyOrder(seedOf(oldest).infoHash(), seedOf(middle).infoHash());
    assertThat(seeder.torrentFile(oldest)).doesNotExist();
    assertThat(seeder.torrentFile(middle)).doesNotExist();
    assertThat(seeder.torrentFile(newest)).exists();
  }

  @Test
  void aBlobBeingReadIsNeverEvicted() throws IOException {
    Digest read = cached(6000, Duration.ofHours(5), 4);
    Digest other = cached(5000, Duration.ofHours(1), 5);
    CacheJanitor janitor = janitor(new CachePolicy(10_000, 90, 50, Duration.ofMinutes(10)));

    BlobLeases.Lease lease = leases.acquire(read);
    assertThat(janitor.run()).extracting(Eviction::digest).containsExactly(other);
    lease.close();
    assertThat(store.contains(read)).isTrue();
    assertThat(janitor.run()).extracting(Eviction::digest).containsExactly(read);
  }

  @Test
  void aBlobPeersAreDownloadingIsNeitherEvictedNorIdle() throws IOException {
    Digest seeded = cached(1000, Duration.ofHours(5), 6);
    CacheJanitor janitor = janitor(new CachePolicy(0, 90, 75, Duration.ofHours(1)));
    FakeSwarm.FakeTorrent torrent = seedOf(seeded);
    torrent.connectedPeers = 1;

    assertThat(janitor.run()).as("first sight: a peer is connected").isEmpty();
    torrent.uploadedBytes += 16 * 1024;
    assertThat(janitor.run()).as("it uploaded since the last run").isEmpty();
    assertThat(Files.getLastModifiedTime(store.path(seeded).orElseThrow()).toInstant())
        .as("uploading counts as an access")
        .isEqualTo(clock.instant());

    clock.advance(Duration.ofMinutes(59));
    assertThat(janitor.run()).as("no upload since, but not idle for an hour yet").isEmpty();
    clock.advance(Duration.ofMinutes(1));
    assertThat(janitor.run()).extracting(Eviction::digest).containsExactly(seeded);
  }

  @Test
  void aBlobBeingFetchedCountsAgainstTheBudgetAndIsNeverEvicted() throws IOException {
    Digest cached = cached(5000, Duration.ofMinutes(1), 7);
    byte[] arriving = new byte[6000];
    new Random(8).nextBytes(arriving);
    Digest arrivingDigest = Digest.sha256(arriving);
    InMemoryUpstreamRegistry origin = new InMemoryUpstreamRegistry(URI.create("http://o:1"));
    fetcher.fetch(new UpstreamChoice("o:1", origin), REPO, arrivingDigest);
    Path file = Files.write(dir.resolve("arriving.blob"), arriving);
    metainfo
        .calls
        .get(0)
        .complete(
            ScriptedMetainfo.torrentOnly(
                Metainfo.create(file, arrivingDigest.hex(), ANNOUNCE, 16384)));
    CacheJanitor janitor = janitor(new CachePolicy(10_000, 90, 75, Duration.ZERO));

    assertThat(janitor.run()).extracting(Eviction::digest).containsExactly(cached);
    assertThat(fetcher.transfers())
        .singleElement()
        .satisfies(t -> assertThat(t.digest()).isEqualTo(arrivingDigest));
  }

  @Test
  void afterARestartTheLastAccessIsTheFileTimeWhichAHitRefreshes() throws Exception {
    Digest hit = cached(1000, Duration.ofHours(2), 9);
    Digest missed = cached(1000, Duration.ofHours(2), 10);
    InMemoryUpstreamRegistry origin = new InMemoryUpstreamRegistry(URI.create("http://o:1"));
    PullThroughMirror mirror =
        new PullThroughMirror(
            Upstreams.single(origin), store, fetcher, Runnable::run, 1024, leases, clock);

    CompletableFuture<BlobBody> opened =
        mirror.openBlob(new BlobRequest(Optional.empty(), REPO, hit));
    assertThat(opened.join()).isInstanceOf(OpenBlob.class);
    opened.join().discard();
    CacheJanitor janitor = janitor(new CachePolicy(0, 90, 75, Duration.ofHours(1)));

    assertThat(janitor.run()).extracting(Eviction::digest).containsExactly(missed);
    assertThat(Files.getLastModifiedTime(store.path(hit).orElseThrow()).toInstant())
        .isEqualTo(clock.instant());
    assertThat(leases.leased()).isEmpty();
  }

  /** A file system of {@code capacity} bytes whose only content is the store. */
  private DiskSpace diskOf(long capacity) {
    return new DiskSpace() {
      @Override
      public long usableBytes() {
        try {
          return capacity - store.totalBytes();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }

      @Override
      public long totalBytes() {
        return capacity;
      }
    };
  }

  private CacheJanitor janitorWithFloor(long capacity, SpaceLimit floor) {
    return new CacheJanitor(
        store,
        swarm,
        swarm::torrents,
        seeder,
        leases,
        fetcher,
        CachePolicy.unlimited(),
        clock,
        diskOf(capacity),
        new FreeSpaceFloor(floor),
        d -> false);
  }

  @Test
  void underTheFreeSpaceFloorTheLeastRecentlyUsedBlobsGoUntilTheFloorIsFreeAgain()
      throws IOException {
    Digest oldest = cached(4000, Duration.ofHours(3), 11);
    Digest middle = cached(3000, Duration.ofHours(2), 12);
    Digest newest = cached(2000, Duration.ofHours(1), 13);
    CacheJanitor janitor = janitorWithFloor(10_000, SpaceLimit.ofPercent(20)); // 1000 free

    List<Eviction> evicted = janitor.run();

    assertThat(evicted)
        .extracting(Eviction::digest, Eviction::reason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(oldest, Reason.FREE_SPACE));
    assertThat(store.list()).containsExactlyInAnyOrder(middle, newest);
  }

  @Test
  void makingRoomEvictsForTheIncomingBlobAndSaysWhetherItFits() throws IOException {
    Digest oldest = cached(4000, Duration.ofHours(3), 21);
    Digest newest = cached(4000, Duration.ofHours(1), 22);
    CacheJanitor janitor = janitorWithFloor(10_000, SpaceLimit.ofBytes(1000)); // 2000 free

    CacheJanitor.Room room = janitor.makeRoom(3000);

    assertThat(room.fits()).isTrue();
    assertThat(room.evicted()).extracting(Eviction::digest).containsExactly(oldest);
    assertThat(store.list()).containsExactly(newest);

    try (BlobLeases.Lease reading = leases.acquire(newest)) {
      CacheJanitor.Room full = janitor.makeRoom(9000);
      assertThat(full.fits()).as("the blob being read stays; 9000 do not fit").isFalse();
      assertThat(store.list()).containsExactly(newest);
    }
  }
}
