package io.layerswarm.agent.mirror;

import io.layerswarm.agent.cache.BlobLeases;
import io.layerswarm.agent.mirror.TransferProgress.Phase;
import io.layerswarm.agent.mirror.UpstreamErrors.Subject;
import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.BlobStream;
import io.layerswarm.registry.client.DigestMismatchException;
import io.layerswarm.registry.client.RegistryException;
import io.layerswarm.registry.store.BlobStore;
import io.layerswarm.swarm.Torrent;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings blobs into the agent's store: from the swarm first, from the origin when the swarm fails.
 * One transfer per digest; concurrent requests for a digest share it (single flight), and each may
 * stream from it while it runs ({@link #open}).
 *
 * <p>A transfer goes METAINFO (ask the trackers) -> SWARM (download into {@code
 * <partial>/<hex>.part}, renamed to {@code <hex>.done} by the engine) -> VERIFYING (the store
 * adopts the file, checking its sha256) -> seeded from the store. When the trackers have no
 * metainfo, or nothing new is verified within the swarm deadline, it switches to ORIGIN: the
 * verified pieces at the start of the download are copied into {@code <partial>/<hex>.origin}, the
 * rest comes from the upstream with a Range request from there, and the store adopts that file,
 * checking the sha256 again. While the swarm's copy of a digest has recently failed verification,
 * new transfers of it go to the origin at once.
 *
 * <p>Streaming: once the size is known, {@link LiveBlob}s read the transfer's bytes in order:
 * verified pieces from the torrent, the origin file as it grows, or the store. The bytes that end a
 * response wait for the verdict, the store's sha256 check of the whole blob (so a complete body
 * always means a verified, cached blob); if the check fails, the response is aborted. A stream that
 * was reading from the swarm when it stalled goes on from the origin copy, which resumes with a
 * Range request after the verified prefix; no stream asks the origin on its own.
 *
 * <p>Threads: {@link #fetch} and {@link #open} may block briefly on a store lookup, so call them
 * off the event loop. Transitions of one transfer are serialized by its monitor; copies and file
 * moves run on the transfer executor. Time only moves through {@link #tick}, which the owner calls
 * periodically with the injected clock's time, so tests drive the deadline without sleeping.
 */
public final class BlobFetcher {
  private static final Logger log = LoggerFactory.getLogger(BlobFetcher.class);

  /** Upper bound on a blob size a metainfo may claim. */
  static final long MAX_BLOB_BYTES = 1L << 40;

  /**
   * After the swarm's copy of a blob failed verification, new transfers use the origin this long.
   */
  static final Duration SWARM_REFUSAL = Duration.ofMinutes(10);

  private static final int MAX_REFUSALS = 4096;
  private static final int COPY_BUFFER_BYTES = 64 * 1024;

  /**
   * The longest a stream waits without the transfer moving on (no new bytes, no verdict) before it
   * gives up and aborts its response. The transfer's own limits (swarm deadline, upstream timeouts)
   * normally end a stall long before.
   */
  static final Duration STREAM_STALL_LIMIT = Duration.ofMinutes(10);

  /** How often a waiting stream looks again, so closing and failures are noticed. */
  private static final long WAIT_SLICE_MILLIS = 200;

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
  private final ConcurrentMap<Digest, Instant> swarmRefusedUntil = new ConcurrentHashMap<>();
  private final List<Consumer<Digest>> storedListeners = new CopyOnWriteArrayList<>();
  private final AtomicLong bytesFromSwarm = new AtomicLong();
  private final AtomicLong bytesFromOrigin = new AtomicLong();
  private final AtomicLong blobsFromSwarm = new AtomicLong();
  private final AtomicLong blobsFromOrigin = new AtomicLong();
  private final AtomicLong failedFetches = new AtomicLong();
  private final AtomicLong swarmVerificationFailures = new AtomicLong();
  private final AtomicLong originVerificationFailures = new AtomicLong();

  /**
   * @param transfers runs origin copies and store adoption (blocking work)
   * @param partialDir where swarm downloads and origin copies are written until verified
   * @param announce this agent's tracker announce URLs; empty means the swarm is never tried
   * @param swarmDeadline the longest a transfer may go without metainfo or newly verified bytes
   */
  public BlobFetcher(
      BlobStore store,
      MetainfoSource metainfoSource,
      Swarm swarm,
      CacheSeeder seeder,
      Executor transfers,
      InstantSource clock,
      Path partialDir,
      List<URI> announce,
      Duration swarmDeadline) {
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
   * Calls {@code listener} with the digest each time a transfer has put a blob into the store (on
   * the transfer's thread; keep it short).
   */
  public void onStored(Consumer<Digest> listener) {
    storedListeners.add(listener);
  }

  /**
   * Completes when {@code digest} is in the store, verified. Fails with a {@link MirrorException}:
   * {@link BlobNotFoundException}, {@link BlobVerificationException}, upstream errors, ... The
   * returned future is the caller's own; cancelling it does not stop the shared transfer.
   */
  CompletableFuture<Void> fetch(UpstreamChoice upstream, RepositoryName repo, Digest digest) {
    return transferFor(upstream, repo, digest).done.copy();
  }

  /**
   * Joins or starts the transfer of {@code digest} and completes as soon as a response can start:
   * with a {@link LiveBlob} (holding {@code lease}) once the blob's size is known, or empty when
   * the blob is in the store already (the caller keeps {@code lease} and opens it there). Fails
   * like {@link #fetch} when the transfer fails before the size is known; then the caller keeps the
   * lease too.
   */
  CompletableFuture<Optional<LiveBlob>> open(
      UpstreamChoice upstream, RepositoryName repo, Digest digest, BlobLeases.Lease lease) {
    Transfer transfer = transferFor(upstream, repo, digest);
    CompletableFuture<Optional<LiveBlob>> result = new CompletableFuture<>();
    transfer.done.whenComplete(
        (ok, failure) -> {
          if (failure != null) {
            result.completeExceptionally(Futures.unwrap(failure));
          } else {
            result.complete(Optional.empty());
          }
        });
    transfer.sized.thenAccept(
        size -> {
          // A transfer that already finished is read from the store instead (zero-copy).
          if (!transfer.done.isDone() && size > 0) {
            result.complete(Optional.of(new LiveBlob(transfer, size, lease)));
          }
        });
    return result;
  }

  private Transfer transferFor(UpstreamChoice upstream, RepositoryName repo, Digest digest) {
    Transfer fresh = new Transfer(upstream, repo, digest);
    Transfer existing = inflight.putIfAbsent(digest, fresh);
    if (existing != null) {
      return existing;
    }
    try {
      // A transfer may have finished between the caller's store lookup and putIfAbsent.
      if (store.contains(digest)) {
        finish(fresh, null);
        return fresh;
      }
    } catch (RuntimeException e) {
      finish(fresh, new MirrorStorageException("looking up " + digest + " in the store failed", e));
      return fresh;
    }
    fresh.start();
    return fresh;
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
    swarmRefusedUntil.values().removeIf(until -> !until.isAfter(now));
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

  /** Blobs stored from a swarm download alone, since start. */
  public long blobsFromSwarm() {
    return blobsFromSwarm.get();
  }

  /** Blobs stored from an origin copy (perhaps after a verified prefix from the swarm). */
  public long blobsFromOrigin() {
    return blobsFromOrigin.get();
  }

  /** Transfers that ended without a stored blob, since start. */
  public long failedFetches() {
    return failedFetches.get();
  }

  /** Swarm downloads whose sha256 did not match the digest, since start. */
  public long swarmVerificationFailures() {
    return swarmVerificationFailures.get();
  }

  /** Origin copies that failed verification (digest or size), since start. */
  public long originVerificationFailures() {
    return originVerificationFailures.get();
  }

  /** True while new transfers of {@code digest} skip the swarm (its copy failed verification). */
  boolean swarmRefused(Digest digest) {
    Instant until = swarmRefusedUntil.get(digest);
    return until != null && until.isAfter(clock.instant());
  }

  private void refuseSwarm(Digest digest) {
    if (swarmRefusedUntil.size() >= MAX_REFUSALS) {
      // Bounded: drop the entries that end first.
      Instant now = clock.instant();
      swarmRefusedUntil.values().removeIf(until -> !until.isAfter(now));
      for (Iterator<Map.Entry<Digest, Instant>> it = swarmRefusedUntil.entrySet().iterator();
          it.hasNext() && swarmRefusedUntil.size() >= MAX_REFUSALS; ) {
        it.next();
        it.remove();
      }
    }
    swarmRefusedUntil.put(digest, clock.instant().plus(SWARM_REFUSAL));
  }

  /**
   * Rejects metainfo that does not describe the blob: the info name must be the digest hex (our
   * convention) and the length must be positive and bounded.
   */
  static void checkDescribes(Metainfo meta, Digest digest) throws MetainfoUnavailableException {
    if (!digest.hex().equals(meta.name())) {
      throw new MetainfoUnavailableException(
          "metainfo for " + digest + " names another blob: " + meta.name());
    }
    if (meta.length() <= 0 || meta.length() > MAX_BLOB_BYTES) {
      throw new MetainfoUnavailableException(
          "metainfo for "
              + digest
              + " has an implausible"
              + " length of "
              + meta.length()
              + " bytes");
    }
  }

  private void finish(Transfer transfer, Throwable failure) {
    synchronized (transfer) {
      transfer.phase = null;
    }
    inflight.remove(transfer.digest, transfer);
    if (failure == null) {
      transfer.done.complete(null);
      for (Consumer<Digest> listener : storedListeners) {
        try {
          listener.accept(transfer.digest);
        } catch (RuntimeException e) {
          log.atWarn()
              .addKeyValue("digest", transfer.digest)
              .log("a listener for stored blobs failed: {}", e.toString());
        }
      }
    } else {
      failedFetches.incrementAndGet();
      transfer.done.completeExceptionally(failure);
      transfer.sized.completeExceptionally(failure);
    }
    transfer.wakeReaders();
  }

  private void execute(Transfer transfer, Runnable task) {
    try {
      transfers.execute(task);
    } catch (RejectedExecutionException e) {
      finish(
          transfer, new MirrorBusyException("agent is busy, cannot fetch " + transfer.digest, e));
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("could not delete {}: {}", file, e.toString());
    }
  }

  private static void writeFully(FileChannel out, byte[] buffer, int length, long position)
      throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, length);
    while (bytes.hasRemaining()) {
      out.write(bytes, position + bytes.position());
    }
  }

  /** One blob on its way into the store. */
  private final class Transfer implements LiveTransfer {
    final UpstreamChoice upstream;
    final RepositoryName repo;
    final Digest digest;
    final CompletableFuture<Void> done = new CompletableFuture<>();

    /** The blob's size, once the metainfo or the origin told it. */
    final CompletableFuture<Long> sized = new CompletableFuture<>();

    final Path partFile;
    final Path doneFile;
    final Path originFile;
    final AtomicLong copied = new AtomicLong();
    volatile long originSize = -1;

    /** Bytes at the start of {@link #originFile} that are written (verified prefix + origin). */
    volatile long committed;

    /** Readers wait on this for {@link #committed} to grow or the transfer to end. */
    private final Object progressSignal = new Object();

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
      this.originFile = partialDir.resolve(digest.hex() + ".origin");
    }

    @Override
    public Digest digest() {
      return digest;
    }

    void start() {
      CompletableFuture<Metainfo> call;
      synchronized (this) {
        if (announce.isEmpty()) {
          toOrigin("no trackers are configured");
          return;
        }
        if (swarmRefused(digest)) {
          toOrigin("the swarm's copy failed verification recently");
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
      log.atInfo()
          .addKeyValue("digest", digest)
          .addKeyValue("torrent", meta.infoHash().hex())
          .log("downloading {} bytes from the swarm", meta.length());
      sized.complete(meta.length());
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
        swarmVerificationFailures.incrementAndGet();
        swarm.remove(meta.infoHash());
        deleteQuietly(file);
        deleteQuietly(partFile);
        refuseSwarm(digest);
        log.atWarn()
            .addKeyValue("digest", digest)
            .addKeyValue("torrent", meta.infoHash().hex())
            .log(
                "download from the swarm failed verification, deleted it; the origin serves"
                    + " this blob for the next {}: {}",
                SWARM_REFUSAL,
                e.getMessage());
        finish(
            this,
            new BlobVerificationException(
                "blob " + digest + " from the swarm failed" + " verification: " + e.getMessage(),
                e));
        return;
      } catch (IOException | RuntimeException e) {
        swarm.remove(meta.infoHash());
        deleteQuietly(file);
        deleteQuietly(partFile);
        finish(this, new MirrorStorageException("storing blob " + digest + " failed: " + e, e));
        return;
      }
      blobsFromSwarm.incrementAndGet();
      log.atInfo()
          .addKeyValue("digest", digest)
          .log("{} bytes from the swarm verified and cached", meta.length());
      try {
        seeder.seedAdopted(digest, meta);
      } catch (IOException | RuntimeException e) {
        log.atWarn()
            .addKeyValue("digest", digest)
            .log("cached, but seeding it failed: {}", e.toString());
      }
      finish(this, null);
    }

    /** Gives up on the swarm (caller holds the monitor) and copies from the origin instead. */
    private void toOrigin(String reason) {
      log.atWarn()
          .addKeyValue("digest", digest)
          .log(
              "fetching from origin {} (repo {}) instead of the swarm: {}",
              upstream.describe(),
              repo,
              reason);
      phase = Phase.ORIGIN;
      if (metainfoCall != null) {
        metainfoCall.cancel(true);
      }
      Torrent abandoned = torrent;
      wakeReaders();
      execute(this, () -> runOrigin(abandoned));
    }

    /**
     * On the transfer executor: keeps the verified start of an abandoned swarm download, copies the
     * rest from the origin (Range from there), and has the store adopt the result.
     */
    private void runOrigin(Torrent abandoned) {
      long prefix = 0;
      try {
        try {
          Files.createDirectories(partialDir);
        } catch (IOException e) {
          throw new MirrorStorageException("creating " + partialDir + " failed: " + e, e);
        }
        try (FileChannel out =
            FileChannel.open(
                originFile,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
          if (abandoned != null) {
            swarm.remove(abandoned.infoHash());
            bytesFromSwarm.addAndGet(abandoned.downloadedBytes());
            prefix = copyVerifiedPrefix(abandoned, out);
            deleteQuietly(partFile);
            deleteQuietly(doneFile);
          }
          copyFromOrigin(out, prefix);
          // Durable before it enters the store: after a crash a stored blob is never partial.
          out.force(true);
        } catch (IOException e) {
          throw new MirrorStorageException(
              "writing blob " + digest + " to " + originFile + " failed: " + e, e);
        }
        adoptOriginCopy(prefix);
        blobsFromOrigin.incrementAndGet();
        log.atInfo()
            .addKeyValue("digest", digest)
            .log(
                "{} bytes from origin {}{} verified and" + " cached",
                copied.get(),
                upstream.describe(),
                prefix > 0 ? " after " + prefix + " bytes from the swarm" : "");
        finish(this, null);
      } catch (MirrorException e) {
        if (e instanceof BlobVerificationException) {
          originVerificationFailures.incrementAndGet();
        }
        deleteQuietly(originFile);
        finish(this, e);
      } catch (RuntimeException e) {
        deleteQuietly(originFile);
        finish(
            this,
            new UpstreamUnavailableException(
                "fetching " + digest + " from origin " + upstream.describe() + " failed: " + e, e));
      }
    }

    /**
     * Copies the verified pieces at the start of an abandoned download into {@code out}. Only bytes
     * the engine has verified are read (the stream never blocks: it reads what {@code available()}
     * reports). A failure to read just ends the prefix early.
     *
     * @return the bytes copied
     */
    private long copyVerifiedPrefix(Torrent abandoned, FileChannel out) throws IOException {
      InputStream in;
      try {
        in = abandoned.openStream(0);
      } catch (RuntimeException e) {
        log.atDebug()
            .addKeyValue("digest", digest)
            .log("cannot read the abandoned swarm download: {}", e.toString());
        return 0;
      }
      long written = 0;
      byte[] buffer = new byte[COPY_BUFFER_BYTES];
      try {
        while (true) {
          int n;
          try {
            int available = in.available();
            if (available <= 0) {
              break;
            }
            n = in.read(buffer, 0, Math.min(buffer.length, available));
          } catch (IOException | RuntimeException e) {
            log.atDebug()
                .addKeyValue("digest", digest)
                .log("verified swarm prefix ends at {}: {}", written, e.toString());
            break;
          }
          if (n <= 0) {
            break;
          }
          writeFully(out, buffer, n, written);
          written += n;
          commit(written);
        }
      } finally {
        try {
          in.close();
        } catch (IOException e) {
          // Read-only stream of a removed torrent.
        }
      }
      return written;
    }

    /** On the transfer executor: upstream -> {@link #originFile} from {@code prefix}. */
    private void copyFromOrigin(FileChannel out, long prefix) throws MirrorException, IOException {
      String action =
          "fetching blob " + digest + " of " + repo + (prefix > 0 ? " from offset " + prefix : "");
      long skip = 0;
      BlobStream in;
      try {
        in = upstream.registry().openBlob(repo, digest, prefix);
      } catch (RegistryException e) {
        if (prefix == 0 || e.httpStatus() != 200) {
          throw UpstreamErrors.translate(e, Subject.BLOB, action, upstream.describe());
        }
        // The upstream ignores Range: take the whole blob and skip what the swarm gave.
        log.atInfo()
            .addKeyValue("digest", digest)
            .log(
                "origin {} ignores Range; fetching from 0 and skipping {} bytes",
                upstream.describe(),
                prefix);
        try {
          in = upstream.registry().openBlob(repo, digest, 0);
        } catch (RegistryException again) {
          throw UpstreamErrors.translate(again, Subject.BLOB, action, upstream.describe());
        }
        skip = prefix;
      }
      try (BlobStream body = in) {
        long size = body.size();
        originSize = size;
        if (prefix > size) {
          refuseSwarm(digest);
          throw new BlobVerificationException(
              "blob "
                  + digest
                  + ": the swarm delivered "
                  + prefix
                  + " bytes but origin "
                  + upstream.describe()
                  + " says it has "
                  + size);
        }
        sized.complete(size);
        wakeReaders();
        copy(body.body(), out, prefix, skip, size, action);
      } catch (DigestMismatchException e) {
        throw new BlobVerificationException(
            "blob "
                + digest
                + " from origin "
                + upstream.describe()
                + " failed verification: "
                + e.getMessage(),
            e);
      }
    }

    private void copy(
        InputStream in, FileChannel out, long position, long skip, long size, String action)
        throws IOException, MirrorException {
      byte[] buffer = new byte[COPY_BUFFER_BYTES];
      long toSkip = skip;
      while (true) {
        int n;
        try {
          n = in.read(buffer);
        } catch (DigestMismatchException e) {
          throw e;
        } catch (IOException e) {
          throw new UpstreamUnavailableException(
              action
                  + " from origin "
                  + upstream.describe()
                  + " failed after "
                  + copied.get()
                  + " bytes: "
                  + e,
              e);
        }
        if (n < 0) {
          break;
        }
        copied.addAndGet(n);
        bytesFromOrigin.addAndGet(n);
        int from = 0;
        if (toSkip > 0) {
          from = (int) Math.min(n, toSkip);
          toSkip -= from;
        }
        if (from < n) {
          if (from > 0) {
            System.arraycopy(buffer, from, buffer, 0, n - from);
          }
          writeFully(out, buffer, n - from, position);
          position += n - from;
          commit(position);
        }
      }
      if (position != size) {
        throw new UpstreamUnavailableException(
            action
                + " from origin "
                + upstream.describe()
                + " ended at byte "
                + position
                + " of "
                + size);
      }
    }

    /** The store checks the sha256 of the origin copy and takes it. */
    private void adoptOriginCopy(long prefix) throws MirrorException {
      synchronized (this) {
        phase = Phase.VERIFYING;
      }
      try {
        store.adopt(digest, originFile);
      } catch (DigestMismatchException e) {
        if (prefix > 0) {
          refuseSwarm(digest); // the swarm's pieces may be the bad part
        }
        throw new BlobVerificationException(
            "blob "
                + digest
                + " from origin "
                + upstream.describe()
                + (prefix > 0 ? " (first " + prefix + " bytes from the swarm)" : "")
                + " failed verification: "
                + e.getMessage(),
            e);
      } catch (IOException e) {
        throw new MirrorStorageException("storing blob " + digest + " failed: " + e, e);
      }
    }

    private void commit(long bytes) {
      committed = bytes;
      wakeReaders();
    }

    void wakeReaders() {
      synchronized (progressSignal) {
        progressSignal.notifyAll();
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
        } else if (phase == Phase.SWARM && torrent == current && deadline.expired(now, verified)) {
          toOrigin(
              "no progress in the swarm for "
                  + deadline.idle(now)
                  + " ("
                  + verified
                  + " of "
                  + meta.length()
                  + " bytes verified, "
                  + peers
                  + " peers)");
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
      if (now == Phase.SWARM && current != null) {
        return new TransferProgress(
            digest, now, current.verifiedBytes(), OptionalLong.of(currentMeta.length()));
      }
      long size = originSize;
      if (now == Phase.ORIGIN || (now == Phase.VERIFYING && size >= 0)) {
        return new TransferProgress(
            digest, now, committed, size < 0 ? OptionalLong.empty() : OptionalLong.of(size));
      }
      if (now == Phase.VERIFYING && currentMeta != null) {
        return new TransferProgress(
            digest, now, currentMeta.length(), OptionalLong.of(currentMeta.length()));
      }
      return new TransferProgress(digest, now, 0, OptionalLong.empty());
    }

    // ---- LiveTransfer: what streams read (their own threads) ----

    @Override
    public Source sourceAt(long position, long expectedSize) throws IOException {
      long deadlineNanos = System.nanoTime() + STREAM_STALL_LIMIT.toNanos();
      while (true) {
        Phase now;
        Torrent current;
        synchronized (this) {
          now = phase;
          current = torrent;
        }
        if (now == null) {
          return storeSource(expectedSize);
        }
        if (now == Phase.SWARM && current != null) {
          try {
            return new TorrentSource(current.openStream(position));
          } catch (RuntimeException e) {
            throw new BlobReadException(
                new MirrorStorageException(
                    "streaming blob "
                        + digest
                        + " from offset "
                        + position
                        + " of the swarm download failed: "
                        + e,
                    e));
          }
        }
        if (now == Phase.ORIGIN && sized.isDone()) {
          return new OriginSource(expectedSize);
        }
        // Verifying, or the origin has not said the size yet: wait for the next step.
        awaitChange(deadlineNanos, "the transfer to move on");
      }
    }

    private Source storeSource(long expectedSize) throws IOException {
      MirrorException failure = failureOrNull();
      if (failure != null) {
        throw new BlobReadException(failure);
      }
      Optional<Path> path = store.path(digest);
      if (path.isEmpty()) {
        throw new BlobReadException(
            new MirrorStorageException("blob " + digest + " left the store while it was streamed"));
      }
      FileChannel channel;
      try {
        channel = FileChannel.open(path.get(), StandardOpenOption.READ);
      } catch (NoSuchFileException e) {
        throw new BlobReadException(
            new MirrorStorageException(
                "blob " + digest + " left the store while it was streamed", e));
      }
      if (channel.size() != expectedSize) {
        long actual = channel.size();
        channel.close();
        throw new BlobReadException(
            new BlobVerificationException(
                "blob "
                    + digest
                    + " has "
                    + actual
                    + " bytes, not the "
                    + expectedSize
                    + " the metainfo announced"));
      }
      return new StoreSource(channel);
    }

    @Override
    public void awaitVerdict(long expectedSize) throws IOException {
      long deadlineNanos = System.nanoTime() + STREAM_STALL_LIMIT.toNanos();
      while (!done.isDone()) {
        awaitChange(deadlineNanos, "the sha256 verdict");
      }
      MirrorException failure = failureOrNull();
      if (failure != null) {
        throw new BlobReadException(failure);
      }
      OptionalLong stored = store.size(digest);
      if (stored.isPresent() && stored.getAsLong() != expectedSize) {
        throw new BlobReadException(
            new BlobVerificationException(
                "blob "
                    + digest
                    + " has "
                    + stored.getAsLong()
                    + " bytes, not the "
                    + expectedSize
                    + " streamed"));
      }
    }

    /** The transfer's failure as a mirror error, or null if it did not fail (yet). */
    private MirrorException failureOrNull() {
      if (!done.isCompletedExceptionally()) {
        return null;
      }
      try {
        done.getNow(null);
        return null;
      } catch (RuntimeException e) {
        Throwable cause = Futures.unwrap(e);
        return cause instanceof MirrorException m
            ? m
            : new MirrorStorageException("fetching blob " + digest + " failed: " + cause, cause);
      }
    }

    /** Waits one slice for progress; fails once {@code deadlineNanos} passed. */
    private void awaitChange(long deadlineNanos, String what) throws IOException {
      if (System.nanoTime() - deadlineNanos >= 0) {
        throw new BlobReadException(
            new UpstreamUnavailableException(
                "streaming blob "
                    + digest
                    + ": gave up waiting for "
                    + what
                    + " after "
                    + STREAM_STALL_LIMIT));
      }
      try {
        synchronized (progressSignal) {
          progressSignal.wait(WAIT_SLICE_MILLIS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while streaming " + digest);
      }
    }

    /** Reads the verified store file. */
    private final class StoreSource implements Source {
      private final FileChannel channel;

      StoreSource(FileChannel channel) {
        this.channel = channel;
      }

      @Override
      public int read(byte[] b, int off, int len, long position) throws IOException {
        return channel.read(ByteBuffer.wrap(b, off, len), position);
      }

      @Override
      public boolean verified() {
        return true;
      }

      @Override
      public String describe() {
        return "the store";
      }

      @Override
      public void close() throws IOException {
        channel.close();
      }
    }

    /** Reads verified pieces of the swarm download, in order; blocks until the next is there. */
    private final class TorrentSource implements Source {
      private final InputStream stream;

      TorrentSource(InputStream stream) {
        this.stream = stream;
      }

      @Override
      public int read(byte[] b, int off, int len, long position) throws IOException {
        return stream.read(b, off, len);
      }

      @Override
      public boolean verified() {
        return false;
      }

      @Override
      public String describe() {
        return "the swarm";
      }

      @Override
      public void close() throws IOException {
        stream.close();
      }
    }

    /** Reads {@link #originFile} up to what is committed, waiting for more. */
    private final class OriginSource implements Source {
      private final long expectedSize;
      private FileChannel channel;

      OriginSource(long expectedSize) {
        this.expectedSize = expectedSize;
      }

      @Override
      public int read(byte[] b, int off, int len, long position) throws IOException {
        long size = originSize;
        if (size >= 0 && size != expectedSize) {
          throw new BlobReadException(
              new BlobVerificationException(
                  "blob "
                      + digest
                      + " has "
                      + size
                      + " bytes at origin "
                      + upstream.describe()
                      + ", not the "
                      + expectedSize
                      + " the metainfo announced"));
        }
        long deadlineNanos = System.nanoTime() + STREAM_STALL_LIMIT.toNanos();
        long available;
        while ((available = committed - position) <= 0) {
          synchronized (Transfer.this) {
            if (phase != Phase.ORIGIN) {
              // Verifying or done: the bytes are (about to be) in the store.
              throw new IOException("the origin copy of " + digest + " is complete");
            }
          }
          awaitChange(deadlineNanos, "bytes from the origin at offset " + position);
        }
        if (channel == null) {
          channel = FileChannel.open(originFile, StandardOpenOption.READ);
        }
        int want = (int) Math.min(len, available);
        return channel.read(ByteBuffer.wrap(b, off, want), position);
      }

      @Override
      public boolean verified() {
        return false;
      }

      @Override
      public String describe() {
        return "the origin";
      }

      @Override
      public void close() throws IOException {
        if (channel != null) {
          channel.close();
        }
      }
    }
  }

  /** For tests: waits up to {@code timeout} for the transfer of {@code digest} to end. */
  void awaitIdle(Digest digest, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    Transfer transfer = inflight.get(digest);
    if (transfer != null) {
      try {
        transfer.done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        // Ended, with a failure: that is idle too.
      }
    }
  }
}
