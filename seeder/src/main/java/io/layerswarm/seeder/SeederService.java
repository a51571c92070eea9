package io.layerswarm.seeder;

import io.layerswarm.registry.Digest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.UpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.registry.store.BlobStore;
import io.layerswarm.seeder.store.MetainfoStore;
import io.layerswarm.swarm.SwarmEngine;
import io.layerswarm.swarm.metainfo.Metainfo;
import io.layerswarm.swarm.metainfo.MetainfoException;
import io.layerswarm.swarm.metainfo.PieceLength;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

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
 * <p>Thread-safe; {@link #metainfo} blocks and must not be called on an event loop.
 */
public final class SeederService {
  private static final Logger log = LoggerFactory.getLogger(SeederService.class);
  /** How often a caller starts over after waiting on work for another registry or repository. */
  private static final int MAX_ATTEMPTS = 3;

  private final Upstreams upstreams;
  private final BlobStore blobs;
  private final MetainfoStore metainfos;
  private final SwarmEngine engine;
  private final List<URI> trackerAnnounce;
  private final OriginFetch originFetch;
  /** Digests seeded by this service. Written only by the single-flight leader of the digest. */
  private final ConcurrentHashMap<Digest, Metainfo> seeded = new ConcurrentHashMap<>();

  /** The work in progress per digest; its leader removes it when done. */
  private final ConcurrentHashMap<Digest, Flight> inFlight = new ConcurrentHashMap<>();

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
    this.upstreams = Objects.requireNonNull(upstreams, "upstreams");
    this.blobs = Objects.requireNonNull(blobs, "blobs");
    this.metainfos = Objects.requireNonNull(metainfos, "metainfos");
    this.engine = Objects.requireNonNull(engine, "engine");
    this.trackerAnnounce = List.copyOf(trackerAnnounce);
    this.originFetch = new OriginFetch(blobs, originTimeout);
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
    Metainfo known = seeded.get(digest);
    if (known != null && engine.torrent(known.infoHash()).isPresent()) {
      return known;
    }
    Source source = new Source(registry, repo);
    for (int attempt = 1; ; attempt++) {
      Flight mine = new Flight(source, new CompletableFuture<>());
      Flight leader = inFlight.putIfAbsent(digest, mine);
      if (leader == null) {
        return lead(digest, mine, () -> obtain(digest, registry, repo));
      }
      try {
        return await(leader, digest);
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
  Reindex reindex() throws SeedingException {
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
        seededCount++;
      } catch (SeederException | RuntimeException e) {
        failed++;
        log.warn("reindex: skipping {}: {}", digest, e.getMessage(), e);
      }
    }
    int orphans = 0;
    for (Digest digest : described) {
      if (!held.contains(digest)) {
        orphans++;
        log.warn("reindex: ignoring metainfo of {}: the blob is not in the store", digest);
      }
    }
    log.info("reindex: seeding {} blobs, {} failed, {} metainfo without blob", seededCount, failed,
        orphans);
    return new Reindex(seededCount, failed, orphans);
  }

  /** What {@link #reindex} did. */
  record Reindex(int seeded, int failed, int orphanMetainfo) {}

  @FunctionalInterface
  private interface Work {
    Metainfo run() throws SeederException;
  }

  /** Where a request asked the blob to come from. */
  private record Source(String registry, RepositoryName repo) {}

  /** Work in progress on one digest; {@code source} is null for work on held blobs only. */
  private record Flight(Source source, CompletableFuture<Metainfo> result) {}

  /** Seeds a held blob, or waits for whoever is already working on the digest. */
  private void seedHeldOnce(Digest digest) throws SeederException {
    Flight mine = new Flight(null, new CompletableFuture<>());
    Flight leader = inFlight.putIfAbsent(digest, mine);
    if (leader != null) {
      await(leader, digest);
      return;
    }
    lead(digest, mine, () -> seedHeld(digest));
  }

  /**
   * Runs {@code work} as the one thread working on {@code digest}, forgets the flight, and then
   * hands the result or failure to the threads waiting on it. Forgetting first means that a waiter
   * who starts over after a failure never finds the finished flight again.
   */
  private Metainfo lead(Digest digest, Flight mine, Work work) throws SeederException {
    MDC.put("digest", digest.toString());
    try {
      Metainfo result = work.run();
      inFlight.remove(digest, mine);
      mine.result().complete(result);
      return result;
    } catch (UnknownUpstreamException | UpstreamBlobUnknownException e) {
      log.info("{}", e.getMessage());
      fail(digest, mine, e);
      throw e;
    } catch (SeederException e) {
      log.warn("{}", e.getMessage(), e);
      fail(digest, mine, e);
      throw e;
    } catch (RuntimeException | Error e) {
      log.error("work on {} failed unexpectedly", digest, e);
      fail(digest, mine, e);
      throw e;
    } finally {
      MDC.remove("digest");
    }
  }

  private void fail(Digest digest, Flight mine, Throwable failure) {
    inFlight.remove(digest, mine);
    mine.result().completeExceptionally(failure);
  }

  private static Metainfo await(Flight leader, Digest digest) throws SeederException {
    try {
      return leader.result().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SeederException("interrupted while waiting for the fetch of " + digest, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SeederException seederException) {
        throw seederException; // the leader's failure, with its type, for the HTTP mapping
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new SeederException("the fetch of " + digest + " failed", cause);
    }
  }

  /** The single-flight leader's work for a request: local blob first, else the origin. */
  private Metainfo obtain(Digest digest, String registry, RepositoryName repo)
      throws SeederException {
    if (seeded.containsKey(digest) || blobs.contains(digest)) {
      return seedHeld(digest);
    }
    Optional<UpstreamRegistry> upstream = upstreams.forHost(registry);
    if (upstream.isEmpty()) {
      throw new UnknownUpstreamException(registry);
    }
    originFetch.fetch(upstream.get(), registry, repo, digest);
    Path file = blobFile(digest);
    Metainfo metainfo = create(digest, file);
    store(digest, metainfo);
    return seed(digest, metainfo, file);
  }

  /** Seeds a blob the store holds, with its stored metainfo or with new metainfo. */
  private Metainfo seedHeld(Digest digest) throws SeederException {
    Metainfo known = seeded.get(digest);
    if (known != null && engine.torrent(known.infoHash()).isPresent()) {
      return known;
    }
    Path file = blobFile(digest);
    Metainfo metainfo = storedOrNew(digest, file);
    return seed(digest, metainfo, file);
  }

  private Metainfo storedOrNew(Digest digest, Path file) throws SeederException {
    Optional<Metainfo> stored;
    boolean unreadable = false;
    try {
      stored = metainfos.get(digest);
    } catch (IOException | MetainfoException e) {
      log.warn("making the metainfo of {} again: the stored one is unreadable: {}", digest,
          e.getMessage());
      stored = Optional.empty();
      unreadable = true;
    }
    long size = fileSize(digest, file);
    if (stored.isPresent()) {
      Metainfo metainfo = stored.get();
      if (metainfo.name().equals(digest.hex()) && metainfo.length() == size) {
        if (new LinkedHashSet<>(metainfo.announce()).equals(new LinkedHashSet<>(trackerAnnounce))) {
          return metainfo;
        }
        // Announce URLs are outside the info dictionary: same info hash, no rehash needed.
        Metainfo updated = metainfo.withAnnounce(trackerAnnounce);
        store(digest, updated);
        return updated;
      }
      log.warn("making the metainfo of {} again: the stored one describes {} ({} bytes), the blob"
          + " has {} bytes", digest, metainfo.name(), metainfo.length(), size);
    } else if (!unreadable) {
      log.info("making the metainfo of {}: the blob has none", digest);
    }
    Metainfo created = create(digest, file);
    store(digest, created);
    return created;
  }

  private Metainfo create(Digest digest, Path file) throws SeederException {
    long size = fileSize(digest, file);
    try {
      Metainfo metainfo =
          Metainfo.create(file, digest.hex(), trackerAnnounce, PieceLength.forSize(size));
      log.info("made the metainfo of {}: info hash {}, {} pieces of {} bytes", digest,
          metainfo.infoHash(), metainfo.pieceCount(), metainfo.pieceLength());
      return metainfo;
    } catch (IOException e) {
      throw new SeedingException("make the metainfo of " + digest + " from " + file + ": " + e, e);
    }
  }

  private void store(Digest digest, Metainfo metainfo) throws SeedingException {
    try {
      metainfos.put(digest, metainfo);
    } catch (IOException e) {
      throw new SeedingException("store the metainfo of " + digest + ": " + e, e);
    }
  }

  private Metainfo seed(Digest digest, Metainfo metainfo, Path file) throws SeedingException {
    if (engine.torrent(metainfo.infoHash()).isEmpty()) {
      try {
        engine.seed(metainfo, file);
      } catch (IOException e) {
        throw new SeedingException("seed " + digest + " from " + file + ": " + e, e);
      }
      log.info("seeding {} as info hash {}", digest, metainfo.infoHash());
    }
    seeded.put(digest, metainfo);
    return metainfo;
  }

  private Path blobFile(Digest digest) throws SeedingException {
    Optional<Path> file = blobs.path(digest);
    if (file.isEmpty()) {
      throw new SeedingException(
          "seed " + digest + ": the blob store has no file for it (the seeder needs a file-backed"
              + " store)", null);
    }
    return file.get();
  }

  private static long fileSize(Digest digest, Path file) throws SeedingException {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new SeedingException("read the size of blob " + digest + " at " + file + ": " + e, e);
    }
  }
}
