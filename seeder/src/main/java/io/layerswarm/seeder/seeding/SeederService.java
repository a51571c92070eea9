package io.layerswarm.seeder.seeding;

import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.MetainfoException;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.BlobStream;
import io.layerswarm.registry.client.UpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.registry.store.BlobStore;
import io.layerswarm.seeder.evict.AccessLog;
import io.layerswarm.seeder.evict.EvictOutcome;
import io.layerswarm.seeder.evict.EvictionTarget;
import io.layerswarm.seeder.evict.HeldBlob;
import io.layerswarm.seeder.metrics.SeederMetrics;
import io.layerswarm.seeder.seeding.DigestFlights.Flight;
import io.layerswarm.seeder.seeding.DigestFlights.Source;
import io.layerswarm.seeder.store.MetainfoStore;
import io.layerswarm.swarm.SwarmEngine;
import io.layerswarm.swarm.Torrent;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure a blob is held, verified and seeded, and gives its torrent metainfo.
 *
 * <p>For a digest it already holds, the seeder seeds the stored blob with its stored metainfo
 * (making the metainfo again when it is missing or damaged). Otherwise it fetches the blob from the
 * named upstream, which must be configured, into the blob store (verifying the sha256), hashes it
 * into pieces, stores the metainfo next to it and seeds it. Work on one digest is single-flight:
 * concurrent callers wait for the caller that got there first (the leader, which does the work on
 * its own thread) and share its result. A waiter that named another registry or repository than the
 * leader does not take the leader's failure as its own; it tries again itself. Failures are not
 * remembered, so the next call tries again.
 *
 * <p>Every {@link #metainfo} call is a use of the blob in the {@link AccessLog} (for time-to-idle).
 * As the {@link EvictionTarget}, the service evicts under the same single-flight: an eviction takes
 * the digest's flight, so it never runs during a fetch, and a request that arrives during an
 * eviction waits for it and then fetches the blob again. An evicted blob is therefore never "not
 * found"; it costs one more origin fetch.
 *
 * <p>Thread-safe; {@link #metainfo} blocks and must not be called on an event loop.
 */
public final class SeederService implements EvictionTarget {
  private static final Logger log = LoggerFactory.getLogger(SeederService.class);

  /** How often a caller starts over after waiting on work for another registry or repository. */
  private static final int MAX_ATTEMPTS = 3;

  private final Upstreams upstreams;
  private final BlobStore blobs;
  private final MetainfoStore metainfos;
  private final SwarmEngine engine;

  /** Digests seeded by this service. Written only by the single-flight leader of the digest. */
  private final SeededBlobs seeded;

  private final MetainfoFiles metainfoFiles;
  private final OriginFetch originFetch;
  private final InstantSource clock;
  private final AccessLog access;
  private final SeederMetrics metrics;

  /** Seeders to copy a blob from before the origin (after a ring change). */
  private volatile PeerBlobs peers = PeerBlobs.NONE;

  /** Called after each successful origin fetch (the evictor's on-demand sweep). */
  private volatile Runnable afterFetch = () -> {};

  /** The work in progress per digest; its leader lands it when done. */
  private final DigestFlights flights = new DigestFlights();

  /**
   * @param blobs must be file-backed ({@link BlobStore#path} present for held blobs): the engine
   *     seeds from the file
   * @param trackerAnnounce announce URLs written into new metainfo
   * @param originTimeout how long an origin download may go without a byte
   */
  SeederService(
      Upstreams upstreams,
      BlobStore blobs,
      MetainfoStore metainfos,
      SwarmEngine engine,
      List<URI> trackerAnnounce,
      Duration originTimeout) {
    this(
        upstreams,
        blobs,
        metainfos,
        engine,
        trackerAnnounce,
        originTimeout,
        InstantSource.system(),
        new AccessLog(),
        new SeederMetrics());
  }

  /**
   * @param clock the time of uses in {@code access}
   * @param access where every request and seeding start is recorded as a use
   */
  public SeederService(
      Upstreams upstreams,
      BlobStore blobs,
      MetainfoStore metainfos,
      SwarmEngine engine,
      List<URI> trackerAnnounce,
      Duration originTimeout,
      InstantSource clock,
      AccessLog access,
      SeederMetrics metrics) {
    this(
        upstreams,
        blobs,
        metainfos,
        engine,
        trackerAnnounce,
        originTimeout,
        0,
        clock,
        access,
        metrics);
  }

  /**
   * @param originMinBytesPerSecond an origin download slower than this over an {@code
   *     originTimeout} is abandoned; 0: only a stall counts
   * @param clock the time of uses in {@code access}
   * @param access where every request and seeding start is recorded as a use
   */
  public SeederService(
      Upstreams upstreams,
      BlobStore blobs,
      MetainfoStore metainfos,
      SwarmEngine engine,
      List<URI> trackerAnnounce,
      Duration originTimeout,
      long originMinBytesPerSecond,
      InstantSource clock,
      AccessLog access,
      SeederMetrics metrics) {
    this.upstreams = Objects.requireNonNull(upstreams, "upstreams");
    this.blobs = Objects.requireNonNull(blobs, "blobs");
    this.metainfos = Objects.requireNonNull(metainfos, "metainfos");
    this.engine = Objects.requireNonNull(engine, "engine");
    this.seeded = new SeededBlobs(engine);
    this.metainfoFiles = new MetainfoFiles(metainfos, trackerAnnounce);
    this.originFetch = new OriginFetch(blobs, originTimeout, originMinBytesPerSecond);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.access = Objects.requireNonNull(access, "access");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /**
   * Asks {@code room}, before each origin fetch, whether the blob fits above the data file system's
   * free-space floor; one that does not is not fetched (the request fails, and the agent takes the
   * blob from the origin itself).
   */
  public void useRoom(OriginFetch.DiskRoom room) {
    originFetch.useRoom(Objects.requireNonNull(room, "room"));
  }

  /**
   * Copies a blob this seeder does not hold from {@code peers} (the seeders that owned it before a
   * ring change) before it asks the origin; a peer that fails or does not hold it is skipped.
   */
  public void usePeers(PeerBlobs peers) {
    this.peers = Objects.requireNonNull(peers, "peers");
  }

  /** Runs {@code hook} after every successful origin fetch, on the fetching thread. */
  public void afterFetch(Runnable hook) {
    this.afterFetch = Objects.requireNonNull(hook, "hook");
  }

  /**
   * The metainfo of {@code digest}, after making sure the blob is stored, verified and seeded.
   *
   * @param registry the upstream registry host ({@code host[:port]}) to fetch from when the blob is
   *     not held; only configured upstreams are used
   * @param repo the repository the blob belongs to on that registry
   * @throws UnknownUpstreamException the blob is not held and {@code registry} is not configured
   * @throws UpstreamBlobUnknownException the upstream has no such blob in {@code repo}
   * @throws OriginFetchException the origin failed, stalled, or sent other bytes (then {@link
   *     OriginDigestMismatchException})
   * @throws SeedingException storing, hashing or seeding failed locally
   */
  public Metainfo metainfo(Digest digest, String registry, RepositoryName repo)
      throws SeederException {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repo, "repo");
    // A use before anything else: an eviction that decided before this point sees the new
    // generation and backs off (see evict).
    access.touch(digest, clock.instant());
    try {
      Metainfo metainfo = find(digest, registry, repo);
      access.touch(digest, clock.instant()); // a fetch may have taken a while
      seeded.awaitFirstAnnounce(digest, metainfo);
      return metainfo;
    } catch (SeederException | RuntimeException e) {
      metrics.error();
      if (!blobs.contains(digest)) {
        // Not held: keep no entry, or requests for digests that never resolve would pile up. A
        // concurrent successful fetch loses nothing by it: unknown blobs count as used at the
        // evictor's next sweep, and an eviction decided meanwhile sees the generation change.
        access.forget(digest);
      }
      throw e;
    }
  }

  private Metainfo find(Digest digest, String registry, RepositoryName repo)
      throws SeederException {
    Optional<Metainfo> known = seeded.seeding(digest);
    if (known.isPresent()) {
      metrics.hit();
      return known.get();
    }
    Source source = new Source(registry, repo);
    int attempt = 0;
    while (true) {
      Flight mine = new Flight(source, new CompletableFuture<>(), false);
      Flight leader = flights.join(digest, mine);
      if (leader == mine) {
        return flights.lead(digest, mine, () -> obtain(digest, registry, repo));
      }
      if (leader.eviction()) {
        // Then start over: the blob is fetched again if it went.
        DigestFlights.awaitEviction(leader, digest);
        continue;
      }
      attempt++;
      try {
        Metainfo shared = DigestFlights.await(leader, digest);
        metrics.coalesced();
        return shared;
      } catch (SeederException e) {
        // Registries scope blobs by repository, and the leader may have named another registry or
        // repository: its failure (404, unknown registry) need not be ours, so try our own.
        if (source.equals(leader.source())
            || attempt >= MAX_ATTEMPTS
            || Thread.currentThread().isInterrupted()) {
          throw e;
        }
      }
    }
  }

  /** Bytes received from origin registries since start, including those of failed fetches. */
  public long originBytes() {
    return originFetch.originBytes();
  }

  /**
   * Seeds every held blob again without downloading anything: blobs with metainfo are seeded with
   * it, blobs without (or with damaged or stale) metainfo get it made again, and metainfo without a
   * blob is left alone with a warning. A blob that fails is logged and skipped.
   */
  public Reindex reindex() throws SeedingException {
    Set<Digest> held;
    Set<Digest> described;
    try {
      held = new LinkedHashSet<>(blobs.list());
      described = metainfos.list();
    } catch (IOException e) {
      throw new SeedingException("reindex the data directory: cannot list it: " + e, e);
    }
    int seededCount = 0;
    int failed = 0;
    for (Digest digest : held) {
      try {
        seedHeldOnce(digest);
        access.touch(digest, clock.instant()); // idle time counts from now, not from the last run
        seededCount++;
      } catch (SeederException | RuntimeException e) {
        failed++;
        log.atWarn()
            .addKeyValue("digest", digest)
            .setCause(e)
            .log("reindex: skipping the blob: {}", e.getMessage());
      }
    }
    int orphans = 0;
    for (Digest digest : described) {
      if (!held.contains(digest)) {
        orphans++;
        log.atWarn()
            .addKeyValue("digest", digest)
            .log("reindex: ignoring the metainfo: the blob is not in the store");
      }
    }
    log.info(
        "reindex: seeding {} blobs, {} failed, {} metainfo without blob",
        seededCount,
        failed,
        orphans);
    return new Reindex(seededCount, failed, orphans);
  }

  /**
   * Seeds a blob the store has just verified (after a restart), as {@link #reindex} does for each
   * held blob; a failure is logged.
   */
  public void seedVerified(Digest digest) {
    try {
      seedHeldOnce(digest);
      access.touch(digest, clock.instant());
    } catch (SeederException | RuntimeException e) {
      log.atWarn()
          .addKeyValue("digest", digest)
          .setCause(e)
          .log("cannot seed the verified blob: {}", e.getMessage());
    }
  }

  /** What {@link #reindex} did. */
  public record Reindex(int seeded, int failed, int orphanMetainfo) {}

  /** Seeds a held blob, or waits for whoever is already working on the digest. */
  private void seedHeldOnce(Digest digest) throws SeederException {
    while (true) {
      Flight mine = new Flight(null, new CompletableFuture<>(), false);
      Flight leader = flights.join(digest, mine);
      if (leader == mine) {
        flights.lead(digest, mine, () -> seedHeld(digest));
        return;
      }
      if (!leader.eviction()) {
        DigestFlights.await(leader, digest);
        return;
      }
      DigestFlights.awaitEviction(leader, digest);
      if (!blobs.contains(digest)) {
        return; // evicted meanwhile: nothing to seed
      }
    }
  }

  /** The single-flight leader's work for a request: local blob first, else the origin. */
  private Metainfo obtain(Digest digest, String registry, RepositoryName repo)
      throws SeederException {
    if (seeded.metainfo(digest).isPresent() || blobs.contains(digest)) {
      metrics.hit();
      return seedHeld(digest);
    }
    Optional<UpstreamRegistry> upstream = upstreams.forHost(registry);
    if (upstream.isEmpty()) {
      throw new UnknownUpstreamException(registry);
    }
    metrics.miss();
    if (!copiedFromPeer(digest)) {
      originFetch.fetch(upstream.get(), registry, repo, digest);
    }
    Path file = blobFile(digest);
    Metainfo metainfo = metainfoFiles.create(digest, file);
    metainfoFiles.store(digest, metainfo);
    Metainfo seededNow = seeded.seed(digest, metainfo, file);
    try {
      afterFetch.run();
    } catch (RuntimeException e) {
      log.atWarn().addKeyValue("digest", digest).setCause(e).log("after-fetch hook failed");
    }
    return seededNow;
  }

  /** Whether one of {@link #peers} had the blob and it is now stored, verified. */
  private boolean copiedFromPeer(Digest digest) {
    for (URI peer : peers.holders(digest)) {
      String action = "copy " + digest + " from seeder " + peer;
      try {
        Optional<BlobStream> stream = peers.open(peer, digest);
        if (stream.isEmpty()) {
          log.atDebug().addKeyValue("digest", digest).log("seeder {} does not hold it", peer);
          continue;
        }
        originFetch.copyFromPeer(stream.get(), digest, action);
        metrics.copiedFromSeeder(stream.get().size());
        log.atInfo()
            .addKeyValue("digest", digest)
            .log("copied {} bytes from seeder {}, not from the origin", stream.get().size(), peer);
        return true;
      } catch (IOException | SeederException e) {
        log.atInfo()
            .addKeyValue("digest", digest)
            .log("{} failed, trying the next holder or the origin: {}", action, e.getMessage());
      }
    }
    return false;
  }

  /** Seeds a blob the store holds, with its stored metainfo or with new metainfo. */
  private Metainfo seedHeld(Digest digest) throws SeederException {
    Optional<Metainfo> known = seeded.seeding(digest);
    if (known.isPresent()) {
      return known.get();
    }
    Path file = blobFile(digest);
    Metainfo metainfo = metainfoFiles.storedOrNew(digest, file);
    return seeded.seed(digest, metainfo, file);
  }

  // ---- eviction ----

  /** Every held blob with its torrent's upload counter and peers, for the evictor. */
  @Override
  public List<HeldBlob> held() throws IOException {
    List<HeldBlob> held = new ArrayList<>();
    for (Digest digest : blobs.list()) {
      OptionalLong size = blobs.size(digest);
      if (size.isEmpty()) {
        continue; // evicted or deleted meanwhile
      }
      Optional<Torrent> torrent = seeded.torrent(digest);
      held.add(
          new HeldBlob(
              digest,
              size.getAsLong(),
              torrent.map(t -> OptionalLong.of(t.uploadedBytes())).orElse(OptionalLong.empty()),
              torrent.map(Torrent::connectedPeers).orElse(0),
              flights.running(digest)));
    }
    return held;
  }

  /** The held blobs as the admin API lists them, sorted by digest. Blocks on file I/O. */
  public List<BlobStatus> blobs() throws IOException {
    List<BlobStatus> all = new ArrayList<>();
    for (HeldBlob blob : held()) {
      Optional<Torrent> torrent = seeded.torrent(blob.digest());
      all.add(
          new BlobStatus(
              blob.digest(),
              blob.sizeBytes(),
              seeded.metainfo(blob.digest()).map(Metainfo::infoHash),
              torrent.isPresent(),
              blob.peers(),
              blob.uploadedBytes().orElse(0),
              access.lastAccess(blob.digest())));
    }
    return all;
  }

  /**
   * Evicts under the digest's single flight: refused while a fetch or seeding of it runs ({@link
   * EvictOutcome#FETCHING}), while a peer is connected to its torrent ({@link
   * EvictOutcome#UPLOADING}), and when it was requested after the evictor decided ({@link
   * EvictOutcome#IN_USE}). The order matters: the blob leaves {@code seeded} first, then the use
   * generation is compared. {@link #metainfo} records its use first, then reads {@code seeded}; so
   * either the eviction sees the use and backs off, or the request misses {@code seeded}, finds the
   * eviction's flight, waits, and fetches the blob again. It never gets metainfo of a blob that is
   * about to vanish.
   */
  @Override
  public Result evict(Digest digest, long expectedGeneration) throws IOException {
    Flight mine = new Flight(null, new CompletableFuture<>(), true);
    if (flights.join(digest, mine) != mine) {
      return new Result(EvictOutcome.FETCHING, 0);
    }
    try {
      OptionalLong size = blobs.size(digest);
      if (size.isEmpty()) {
        return new Result(EvictOutcome.NOT_HELD, 0);
      }
      Metainfo metainfo = seeded.remove(digest);
      if (expectedGeneration != ANY_GENERATION && access.generation(digest) != expectedGeneration) {
        seeded.restore(digest, metainfo);
        return new Result(EvictOutcome.IN_USE, 0);
      }
      Optional<InfoHash> infoHash =
          Optional.ofNullable(metainfo).map(Metainfo::infoHash).or(() -> storedInfoHash(digest));
      Optional<Torrent> torrent = infoHash.flatMap(engine::torrent);
      if (torrent.isPresent() && torrent.get().connectedPeers() > 0) {
        seeded.restore(digest, metainfo);
        return new Result(EvictOutcome.UPLOADING, 0);
      }
      infoHash.ifPresent(engine::remove);
      // Readers that have the file open keep reading; the engine closed its own handle.
      blobs.delete(digest);
      metainfos.delete(digest);
      access.forget(digest);
      return new Result(EvictOutcome.EVICTED, size.getAsLong());
    } finally {
      flights.endEviction(digest, mine);
    }
  }

  private Optional<InfoHash> storedInfoHash(Digest digest) {
    try {
      return metainfos.get(digest).map(Metainfo::infoHash);
    } catch (IOException | MetainfoException e) {
      return Optional.empty(); // damaged: the engine cannot be seeding it either
    }
  }

  private Path blobFile(Digest digest) throws SeedingException {
    Optional<Path> file = blobs.path(digest);
    if (file.isEmpty()) {
      throw new SeedingException(
          "seed "
              + digest
              + ": the blob store has no file for it (the seeder needs a file-backed"
              + " store)",
          null);
    }
    return file.get();
  }
}
