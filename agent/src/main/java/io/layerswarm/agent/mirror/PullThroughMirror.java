package io.layerswarm.agent.mirror;

import io.layerswarm.agent.cache.BlobLeases;
import io.layerswarm.agent.mirror.UpstreamErrors.Subject;
import io.layerswarm.core.Digest;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.RegistryException;
import io.layerswarm.registry.client.UpstreamRegistry.ManifestHead;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.registry.store.BlobStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's mirror: manifests pass through to the upstream (digest-addressed ones are cached in
 * memory), blobs are served from the local store, or, when missing, streamed from the {@link
 * BlobFetcher}'s transfer that brings them into the store. The upstream is the one the request's
 * namespace names, else the default one. Thread-safe; blocking work runs on the executor given to
 * the constructor.
 */
public final class PullThroughMirror implements RegistryMirror {
  private static final Logger log = LoggerFactory.getLogger(PullThroughMirror.class);

  /** Default bound on the memory used by cached manifests. */
  public static final long DEFAULT_MANIFEST_CACHE_BYTES = 64L * 1024 * 1024;

  private final Upstreams upstreams;
  private final BlobStore store;
  private final BlobFetcher fetcher;
  private final Executor blocking;
  private final ManifestFetcher manifests;
  private final BlobLeases leases;
  private final InstantSource clock;
  private final AccessGrants grants = new AccessGrants();
  private final DiskRoom room;

  /**
   * A mirror whose blob reads are not tracked for the cache janitor, with the system clock.
   *
   * @param blocking a bounded executor for upstream calls and file system lookups
   * @param manifestCacheBytes bound on the summed size of manifests cached by digest
   */
  public PullThroughMirror(
      Upstreams upstreams,
      BlobStore store,
      BlobFetcher fetcher,
      Executor blocking,
      long manifestCacheBytes) {
    this(
        upstreams,
        store,
        fetcher,
        blocking,
        manifestCacheBytes,
        new BlobLeases(),
        InstantSource.system());
  }

  /**
   * @param blocking a bounded executor for upstream calls and file system lookups
   * @param manifestCacheBytes bound on the summed size of manifests cached by digest
   * @param leases where blob reads are registered while they last, for the cache janitor
   * @param clock the time a cache hit records as the blob's last access
   */
  public PullThroughMirror(
      Upstreams upstreams,
      BlobStore store,
      BlobFetcher fetcher,
      Executor blocking,
      long manifestCacheBytes,
      BlobLeases leases,
      InstantSource clock) {
    this(upstreams, store, fetcher, blocking, manifestCacheBytes, leases, clock, DiskRoom.ALWAYS);
  }

  /**
   * @param room says whether a blob fits on the data file system before it is fetched; one that
   *     does not is passed through from the origin without being stored
   */
  public PullThroughMirror(
      Upstreams upstreams,
      BlobStore store,
      BlobFetcher fetcher,
      Executor blocking,
      long manifestCacheBytes,
      BlobLeases leases,
      InstantSource clock,
      DiskRoom room) {
    this.room = room;
    this.upstreams = upstreams;
    this.store = store;
    this.fetcher = fetcher;
    this.blocking = blocking;
    this.manifests = new ManifestFetcher(blocking, manifestCacheBytes);
    this.leases = leases;
    this.clock = clock;
  }

  @Override
  public CompletableFuture<Manifest> getManifest(ManifestRequest request, List<String> accept) {
    UpstreamChoice upstream;
    Optional<Digest> digest;
    try {
      upstream = UpstreamChoice.of(upstreams, request.registry());
      digest = request.digest();
    } catch (UnknownRegistryException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return manifests.get(upstream, request.repository(), request.reference(), digest, accept);
  }

  @Override
  public CompletableFuture<ManifestHead> headManifest(
      ManifestRequest request, List<String> accept) {
    UpstreamChoice upstream;
    Optional<Digest> digest;
    try {
      upstream = UpstreamChoice.of(upstreams, request.registry());
      digest = request.digest();
    } catch (UnknownRegistryException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return manifests.head(upstream, request.repository(), request.reference(), digest, accept);
  }

  @Override
  public CompletableFuture<BlobInfo> statBlob(BlobRequest request) {
    UpstreamChoice upstream;
    try {
      upstream = UpstreamChoice.of(upstreams, request.registry());
    } catch (UnknownRegistryException e) {
      return CompletableFuture.failedFuture(e);
    }
    Digest digest = request.digest();
    return Futures.supply(
        () -> {
          OptionalLong local = store.size(digest);
          if (local.isPresent()) {
            return new BlobInfo(digest, local.getAsLong());
          }
          try {
            return new BlobInfo(digest, upstream.registry().blobSize(request.repository(), digest));
          } catch (RegistryException e) {
            throw UpstreamErrors.translate(
                e,
                Subject.BLOB,
                "checking blob " + digest + " of " + request.repository(),
                upstream.describe());
          }
        },
        blocking,
        "check blob " + digest);
  }

  @Override
  public CompletableFuture<BlobBody> openBlob(BlobRequest request) {
    UpstreamChoice upstream;
    try {
      upstream = UpstreamChoice.of(upstreams, request.registry());
    } catch (UnknownRegistryException e) {
      return CompletableFuture.failedFuture(e);
    }
    Digest digest = request.digest();
    // One task on the blocking executor looks in the store and, on a miss, joins or starts the
    // fetch; nothing here runs on the caller's thread. The lease keeps the janitor away from the
    // blob from the lookup until the response is done with it.
    return Futures.supply(
            () -> {
              BlobLeases.Lease lease = leases.acquire(digest);
              try {
                Optional<OpenBlob> local = openLocal(digest, lease);
                if (local.isPresent()) {
                  return CompletableFuture.<BlobBody>completedFuture(local.get());
                }
                OptionalLong size = checkAccess(upstream, request);
                if (size.isPresent() && !hasRoom(digest, size.getAsLong())) {
                  return CompletableFuture.<BlobBody>completedFuture(
                      fetcher.passThrough(upstream, request.repository(), digest, lease));
                }
                CompletableFuture<BlobBody> body =
                    fetcher
                        .open(upstream, request.repository(), digest, lease)
                        .thenCompose(
                            live ->
                                live.isPresent()
                                    ? CompletableFuture.<BlobBody>completedFuture(live.get())
                                    : Futures.<BlobBody>supply(
                                        () ->
                                            openLocal(digest, lease)
                                                .orElseThrow(
                                                    () ->
                                                        new MirrorStorageException(
                                                            "blob "
                                                                + digest
                                                                + " left the store right after"
                                                                + " it was fetched")),
                                        blocking,
                                        "open blob " + digest));
                body.whenComplete(
                    (opened, failure) -> {
                      if (failure != null) {
                        lease.close();
                      }
                    });
                return body;
              } catch (Throwable t) {
                lease.close();
                throw t;
              }
            },
            blocking,
            "look up blob " + digest)
        .thenCompose(opened -> opened);
  }

  /**
   * Makes the blob local the way {@link #openBlob} does for a client, without a response: the same
   * access check, room on the data file system, then the shared transfer (swarm first, origin as
   * fallback), which a client's pull of the same blob joins. Completes at once when the store has
   * it. Pinned images use it, so pinning costs the origin what a pull costs.
   */
  public CompletableFuture<Void> cacheBlob(BlobRequest request) {
    UpstreamChoice upstream;
    try {
      upstream = UpstreamChoice.of(upstreams, request.registry());
    } catch (UnknownRegistryException e) {
      return CompletableFuture.failedFuture(e);
    }
    Digest digest = request.digest();
    return Futures.supply(
            () -> {
              if (store.size(digest).isPresent()) {
                return CompletableFuture.<Void>completedFuture(null);
              }
              OptionalLong size = checkAccess(upstream, request);
              if (size.isPresent() && !hasRoom(digest, size.getAsLong())) {
                throw new MirrorStorageException(
                    "no room for blob "
                        + digest
                        + " ("
                        + size.getAsLong()
                        + " bytes) on the data file system above agent.disk-free-min");
              }
              return fetcher.fetch(upstream, request.repository(), digest);
            },
            blocking,
            "cache blob " + digest)
        .thenCompose(fetched -> fetched);
  }

  /**
   * Asks the upstream, with this agent's own credentials, whether the blob may be read, before the
   * swarm is asked for it: the seeder fetched it with the seeder's credentials, so without this
   * check an agent with no or wrong credentials could read a private blob from the swarm. It fails
   * closed: 401, 403 and 404 refuse; 429, 5xx or no answer refuse too, unless the upstream granted
   * these credentials the same repository within {@link AccessGrants#LENGTH} ({@link
   * AccessGrants}), so the swarm still serves a pull that was under way when the origin went down.
   */
  private OptionalLong checkAccess(UpstreamChoice upstream, BlobRequest request)
      throws MirrorException {
    Digest digest = request.digest();
    RepositoryName repo = request.repository();
    String action = "checking access to blob " + digest + " of " + repo;
    try {
      long size = upstream.registry().blobSize(repo, digest);
      grants.grant(upstream.host(), repo, clock.instant());
      return OptionalLong.of(size);
    } catch (RegistryException e) {
      int status = e.httpStatus();
      if (status == 401 || status == 403) {
        grants.revoke(upstream.host(), repo);
      }
      boolean unavailable = status == 0 || status == 429 || status >= 500;
      if (!unavailable) {
        throw UpstreamErrors.translate(e, Subject.BLOB, action, upstream.describe());
      }
      if (!grants.granted(upstream.host(), repo, clock.instant())) {
        MirrorException refused =
            UpstreamErrors.translate(e, Subject.BLOB, action, upstream.describe());
        throw status == 429
            ? new UpstreamThrottledException(notGranted(refused, repo), e)
            : new UpstreamUnavailableException(notGranted(refused, repo), e);
      }
      log.atInfo()
          .addKeyValue("digest", digest)
          .log(
              "access check got {}; going on with the swarm: upstream {} granted {} within the"
                  + " last {}",
              e.getMessage(),
              upstream.describe(),
              repo,
              AccessGrants.LENGTH);
      return OptionalLong.empty();
    }
  }

  /**
   * Whether a new transfer of {@code digest} ({@code size} bytes) has room on the data file system
   * above its floor, after evicting what may go. A transfer already running has its room.
   */
  private boolean hasRoom(Digest digest, long size) throws MirrorStorageException {
    if (fetcher.fetching(digest)) {
      return true;
    }
    try {
      if (room.makeRoom(size)) {
        return true;
      }
    } catch (IOException e) {
      throw new MirrorStorageException("making room for blob " + digest + " failed: " + e, e);
    }
    log.atWarn()
        .addKeyValue("digest", digest)
        .log(
            "no room for {} bytes on the data file system above agent.disk-free-min, even after"
                + " evicting what is not in use: passing the blob through from the origin, not"
                + " storing or seeding it",
            size);
    return false;
  }

  private static String notGranted(MirrorException refused, RepositoryName repo) {
    return refused.getMessage()
        + "; the upstream did not grant this agent's credentials "
        + repo
        + " within the last "
        + AccessGrants.LENGTH
        + ", so the blob is not served from the swarm either";
  }

  /**
   * The stored blob opened for reading, or empty when the store does not have it. A hit counts as
   * an access: the file's modification time becomes now, which the cache janitor reads (also after
   * a restart).
   */
  private Optional<OpenBlob> openLocal(Digest digest, BlobLeases.Lease lease)
      throws MirrorStorageException {
    Optional<Path> path = store.path(digest);
    if (path.isEmpty()) {
      return Optional.empty();
    }
    try {
      FileChannel channel = FileChannel.open(path.get(), StandardOpenOption.READ);
      try {
        touch(path.get());
        return Optional.of(new OpenBlob(digest, channel, channel.size(), lease));
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    } catch (NoSuchFileException e) {
      return Optional.empty(); // deleted since the lookup
    } catch (IOException e) {
      throw new MirrorStorageException("opening stored blob " + digest + " failed: " + e, e);
    }
  }

  private void touch(Path file) {
    try {
      Files.setLastModifiedTime(file, FileTime.from(clock.instant()));
    } catch (IOException e) {
      // Only the eviction order suffers.
      log.debug("could not record an access to {}: {}", file, e.toString());
    }
  }
}
