package io.layerswarm.agent.mirror;

import io.layerswarm.agent.mirror.TransferProgress.Phase;
import io.layerswarm.agent.mirror.UpstreamErrors.Subject;
import io.layerswarm.registry.Digest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.BlobStream;
import io.layerswarm.registry.client.DigestMismatchException;
import io.layerswarm.registry.client.RegistryException;
import io.layerswarm.registry.store.BlobStore;
import io.layerswarm.registry.store.BlobWriter;
import io.layerswarm.swarm.Torrent;
import io.layerswarm.swarm.metainfo.Metainfo;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings blobs into the agent's store: from the swarm first, from the origin when the swarm fails.
 * One transfer per digest; concurrent requests for a digest share it (single flight).
 *
 * <p>A transfer goes METAINFO (ask the trackers) -> SWARM (download into {@code
 * <partial>/<hex>.part}, renamed to {@code <hex>.done} by the engine) -> VERIFYING (the store
 * adopts the file, checking its sha256) -> seeded from the store. When the trackers have no
 * metainfo, or nothing new is verified within the swarm deadline, it switches to ORIGIN and copies
 * the blob from the upstream into the store, which checks the sha256 too. Nothing is served before
 * the store holds the verified blob; a future streaming mode would read {@link Torrent#openStream}
 * during SWARM.
 *
 * <p>Threads: {@link #fetch} may block briefly on a store lookup, so call it off the event loop.
 * Transitions of one transfer are serialized by its monitor; copies and file moves run on the
 * transfer executor. Time only moves through {@link #tick}, which the owner calls periodically with
 * the injected clock's time, so tests drive the deadline without sleeping.
 */
public final class BlobFetcher {
  private static final Logger log = LoggerFactory.getLogger(BlobFetcher.class);
  /** Upper bound on a blob size a metainfo may claim. */
  static final long MAX_BLOB_BYTES = 1L << 40;
  private static final int COPY_BUFFER_BYTES = 64 * 1024;

  private final BlobStore store;
  private final MetainfoSource metainfoSource;
  private final Swarm swarm;
  private final CacheSeeder seeder;
  private final Executor transfers;
  private final InstantSource clock;
  private final Path partialDir;
  private final List<URI> announce;
  private final Duration swarmDeadline;
  private final ConcurrentMap<Digest, Transfer> inflight = new ConcurrentHashMap<>();
  private final AtomicLong bytesFromSwarm = new AtomicLong();
  private final AtomicLong bytesFromOrigin = new AtomicLong();

  /**
   * @param transfers runs origin copies and store adoption (blocking work)
   * @param partialDir where swarm downloads are written until verified
   * @param announce this agent's tracker announce URLs; empty means the swarm is never tried
   * @param swarmDeadline the longest a transfer may go without metainfo or newly verified bytes
   */
  public BlobFetcher(BlobStore store, MetainfoSource metainfoSource, Swarm swarm,
      CacheSeeder seeder, Executor transfers, InstantSource clock, Path partialDir,
      List<URI> announce, Duration swarmDeadline) {
    this.store = store;
    this.metainfoSource = metainfoSource;
    this.swarm = swarm;
    this.seeder = seeder;
    this.transfers = transfers;
    this.clock = clock;
    this.partialDir = partialDir;
    this.announce = List.copyOf(announce);
    this.swarmDeadline = swarmDeadline;
  }

  /**
   * Completes when {@code digest} is in the store, verified. Fails with a {@link MirrorException}:
   * {@link BlobNotFoundException}, {@link BlobVerificationException}, upstream errors, ... The
   * returned future is the caller's own; cancelling it does not stop the shared transfer.
   */
  CompletableFuture<Void> fetch(UpstreamChoice upstream, RepositoryName repo, Digest digest) {
    Transfer fresh = new Transfer(upstream, repo, digest);
    Transfer existing = inflight.putIfAbsent(digest, fresh);
    if (existing != null) {
      return existing.done.copy();
    }
    try {
      // A transfer may have finished between the caller's store lookup and putIfAbsent.
      if (store.contains(digest)) {
        finish(fresh, null);
        return fresh.done.copy();
      }
    } catch (RuntimeException e) {
      finish(fresh, new MirrorStorageException("looking up " + digest + " in the store failed", e));
      return fresh.done.copy();
    }
    CompletableFuture<Void> result = fresh.done.copy();
    fresh.start();
    return result;
  }

  /**
   * Checks every transfer against the swarm deadline at the clock's current time, and moves the
   * stalled ones to the origin. Cheap; call it a few times per deadline.
   */
  public void tick() {
    Instant now = clock.instant();
    for (Transfer transfer : inflight.values()) {
      transfer.check(now);
    }
  }

  /** Snapshots of the transfers in progress. */
  public List<TransferProgress> transfers() {
    List<TransferProgress> result = new ArrayList<>();
    for (Transfer transfer : inflight.values()) {
      result.add(transfer.progress());
    }
    return result;
  }

  /** Bytes the swarm delivered to this agent's downloads (verified or not), since start. */
  public long bytesFromSwarm() {
    return bytesFromSwarm.get();
  }

  /** Bytes copied from upstream registries because the swarm failed, since start. */
  public long bytesFromOrigin() {
    return bytesFromOrigin.get();
  }

  /**
   * Rejects metainfo that does not describe the blob: the info name must be the digest hex (our
   * convention) and the length must be positive and bounded.
   */
  static void checkDescribes(Metainfo meta, Digest digest) throws MetainfoUnavailableException {
    if (!digest.hex().equals(meta.name())) {
      throw new MetainfoUnavailableException("metainfo for " + digest + " names another blob: "
          + meta.name());
    }
    if (meta.length() <= 0 || meta.length() > MAX_BLOB_BYTES) {
      throw new MetainfoUnavailableException("metainfo for " + digest + " has an implausible"
          + " length of " + meta.length() + " bytes");
    }
  }

  private void finish(Transfer transfer, Throwable failure) {
    synchronized (transfer) {
      transfer.phase = null;
    }
    inflight.remove(transfer.digest, transfer);
    if (failure == null) {
      transfer.done.complete(null);
    } else {
      transfer.done.completeExceptionally(failure);
    }
  }

  private void execute(Transfer transfer, Runnable task) {
    try {
      transfers.execute(task);
    } catch (RejectedExecutionException e) {
      finish(transfer, new MirrorBusyException("agent is busy, cannot fetch " + transfer.digest, e));
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("could not delete {}: {}", file, e.toString());
    }
  }

  /** One blob on its way into the store. */
  private final class Transfer {
    final UpstreamChoice upstream;
    final RepositoryName repo;
    final Digest digest;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final Path partFile;
    final Path doneFile;
    final AtomicLong copied = new AtomicLong();
    volatile long originSize = -1;

    // Guarded by this. phase is null once finished.
    Phase phase = Phase.METAINFO;
    ProgressDeadline deadline;
    CompletableFuture<Metainfo> metainfoCall;
    Metainfo meta;
    Torrent torrent;

    Transfer(UpstreamChoice upstream, RepositoryName repo, Digest digest) {
      this.upstream = upstream;
      this.repo = repo;
      this.digest = digest;
      this.partFile = partialDir.resolve(digest.hex() + ".part");
      this.doneFile = partialDir.resolve(digest.hex() + ".done");
    }

    void start() {
      CompletableFuture<Metainfo> call;
      synchronized (this) {
        if (announce.isEmpty()) {
          toOrigin("no trackers are configured");
          return;
        }
        deadline = new ProgressDeadline(swarmDeadline, clock.instant());
        try {
          metainfoCall = metainfoSource.fetch(upstream.host(), repo, digest);
        } catch (RuntimeException e) {
          toOrigin("asking the trackers for metainfo failed: " + e);
          return;
        }
        call = metainfoCall;
      }
      call.whenComplete(this::onMetainfo);
    }

    private void onMetainfo(Metainfo found, Throwable error) {
      Torrent started;
      synchronized (this) {
        if (phase != Phase.METAINFO) {
          return; // the deadline already sent us to the origin
        }
        if (error != null) {
          toOrigin("no metainfo from the trackers: " + Futures.unwrap(error).getMessage());
          return;
        }
        try {
          checkDescribes(found, digest);
          meta = found.withAnnounce(announce);
          Files.createDirectories(partialDir);
          torrent = swarm.download(meta, partFile, doneFile);
        } catch (MetainfoUnavailableException e) {
          toOrigin(e.getMessage());
          return;
        } catch (IOException | RuntimeException e) {
          toOrigin("starting the swarm download failed: " + e);
          return;
        }
        deadline.progressed(clock.instant());
        phase = Phase.SWARM;
        started = torrent;
      }
      log.info("{}: downloading {} bytes from the swarm (torrent {})", digest, meta.length(),
          meta.infoHash());
      started.completion().whenComplete(this::onSwarmDone);
    }

    private void onSwarmDone(Path file, Throwable error) {
      synchronized (this) {
        if (phase != Phase.SWARM) {
          return;
        }
        if (error != null) {
          toOrigin("the swarm download failed: " + Futures.unwrap(error));
          return;
        }
        phase = Phase.VERIFYING;
      }
      execute(this, () -> adopt(file));
    }

    /** On the transfer executor: the store checks the sha256 and takes the file. */
    private void adopt(Path file) {
      bytesFromSwarm.addAndGet(torrent.downloadedBytes());
      try {
        store.adopt(digest, file);
      } catch (DigestMismatchException e) {
        swarm.remove(meta.infoHash());
        deleteQuietly(file);
        deleteQuietly(partFile);
        log.warn("{}: download from the swarm (torrent {}) failed verification, deleted it: {}",
            digest, meta.infoHash(), e.getMessage());
        finish(this, new BlobVerificationException("blob " + digest + " from the swarm failed"
            + " verification: " + e.getMessage(), e));
        return;
      } catch (IOException | RuntimeException e) {
        swarm.remove(meta.infoHash());
        deleteQuietly(file);
        deleteQuietly(partFile);
        finish(this, new MirrorStorageException("storing blob " + digest + " failed: " + e, e));
        return;
      }
      log.info("{}: {} bytes from the swarm verified and cached", digest, meta.length());
      try {
        seeder.seedAdopted(digest, meta);
      } catch (IOException | RuntimeException e) {
        log.warn("{}: cached, but seeding it failed: {}", digest, e.toString());
      }
      finish(this, null);
    }

    /** Gives up on the swarm (caller holds the monitor) and copies from the origin instead. */
    private void toOrigin(String reason) {
      log.warn("{}: fetching from origin {} (repo {}) instead of the swarm: {}", digest,
          upstream.describe(), repo, reason);
      phase = Phase.ORIGIN;
      if (metainfoCall != null) {
        metainfoCall.cancel(true);
      }
      Torrent abandoned = torrent;
      execute(this, () -> {
        if (abandoned != null) {
          swarm.remove(abandoned.infoHash());
          bytesFromSwarm.addAndGet(abandoned.downloadedBytes());
          deleteQuietly(partFile);
          deleteQuietly(doneFile);
        }
        try {
          copyFromOrigin();
          log.info("{}: {} bytes from origin {} verified and cached", digest, copied.get(),
              upstream.describe());
          finish(this, null);
        } catch (MirrorException e) {
          finish(this, e);
        } catch (RuntimeException e) {
          finish(this, new UpstreamUnavailableException("fetching " + digest + " from origin "
              + upstream.describe() + " failed: " + e, e));
        }
      });
    }

    /** On the transfer executor: upstream -> store, hashing as it goes. */
    private void copyFromOrigin() throws MirrorException {
      String action = "fetching blob " + digest + " of " + repo;
      try (BlobStream in = upstream.registry().openBlob(repo, digest, 0);
          BlobWriter writer = store.create(digest)) {
        originSize = in.size();
        copy(in.body(), writer, action);
        writer.commit(); // checks the sha256 again, then publishes atomically
      } catch (RegistryException e) {
        throw UpstreamErrors.translate(e, Subject.BLOB, action, upstream.describe());
      } catch (DigestMismatchException e) {
        throw new BlobVerificationException("blob " + digest + " from origin "
            + upstream.describe() + " failed verification: " + e.getMessage(), e);
      } catch (IOException e) {
        throw new MirrorStorageException("storing blob " + digest + " failed: " + e, e);
      }
    }

    private void copy(InputStream in, BlobWriter out, String action)
        throws IOException, MirrorException {
      byte[] buffer = new byte[COPY_BUFFER_BYTES];
      while (true) {
        int n;
        try {
          n = in.read(buffer);
        } catch (DigestMismatchException e) {
          throw e;
        } catch (IOException e) {
          throw new UpstreamUnavailableException(action + " from origin " + upstream.describe()
              + " failed after " + copied.get() + " bytes: " + e, e);
        }
        if (n < 0) {
          return;
        }
        out.write(buffer, 0, n);
        copied.addAndGet(n);
        bytesFromOrigin.addAndGet(n);
      }
    }

    /**
     * Moves a stalled transfer to the origin. The torrent's counters are read before taking this
     * transfer's monitor, so an engine thread completing the torrent (which then needs the monitor)
     * can never wait on us while we wait on the engine.
     */
    void check(Instant now) {
      Torrent current;
      synchronized (this) {
        current = phase == Phase.SWARM ? torrent : null;
      }
      long verified = current == null ? 0 : current.verifiedBytes();
      int peers = current == null ? 0 : current.connectedPeers();
      synchronized (this) {
        if (phase == Phase.METAINFO && deadline != null && deadline.expired(now, 0)) {
          toOrigin("no metainfo within " + swarmDeadline);
        } else if (phase == Phase.SWARM && torrent == current
            && deadline.expired(now, verified)) {
          toOrigin("no progress in the swarm for " + deadline.idle(now) + " (" + verified + " of "
              + meta.length() + " bytes verified, " + peers + " peers)");
        }
      }
    }

    TransferProgress progress() {
      Phase now;
      Torrent current;
      Metainfo currentMeta;
      synchronized (this) {
        now = phase == null ? Phase.VERIFYING : phase;
        current = torrent;
        currentMeta = meta;
      }
      if ((now == Phase.SWARM || now == Phase.VERIFYING) && current != null) {
        return new TransferProgress(digest, now, current.verifiedBytes(),
            OptionalLong.of(currentMeta.length()));
      }
      if (now == Phase.ORIGIN) {
        long size = originSize;
        return new TransferProgress(digest, now, copied.get(),
            size < 0 ? OptionalLong.empty() : OptionalLong.of(size));
      }
      return new TransferProgress(digest, now, 0, OptionalLong.empty());
    }
  }
}
