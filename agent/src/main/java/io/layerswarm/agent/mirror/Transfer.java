package io.layerswarm.agent.mirror;

import io.layerswarm.agent.mirror.TransferProgress.Phase;
import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.MetainfoAnswer;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.DigestMismatchException;
import io.layerswarm.registry.store.HashedPrefix;
import io.layerswarm.swarm.Torrent;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One blob on its way into the store: the I/O shell around its {@link TransferPhases}. It asks the
 * trackers, downloads into {@code <partial>/<hex>.part} (renamed to {@code <hex>.done} by the
 * engine) and has the store adopt that, or copies from the origin into {@code <hex>.origin} with an
 * {@link OriginCopy}, and seeds what it stored.
 *
 * <p>Streams read it while it runs ({@link LiveTransfer}), from the source its phase names: the
 * swarm's verified pieces, the origin file as it grows, or the store. They wait on its {@link
 * TransferSignal}, and give up after {@link #STREAM_STALL_LIMIT} on the fetcher's clock.
 *
 * <p>Threads: transitions are serialized by this object's monitor; the adoption and the origin copy
 * run on the transfer executor; readers on their own threads.
 */
final class Transfer implements LiveTransfer {
  private static final Logger log = LoggerFactory.getLogger(Transfer.class);

  /**
   * The longest a stream waits without the transfer moving on (no new bytes, no verdict) before it
   * gives up and aborts its response. The transfer's own limits (swarm deadline, upstream timeouts)
   * normally end a stall long before.
   */
  static final Duration STREAM_STALL_LIMIT = Duration.ofMinutes(10);

  private final FetchContext context;
  private final Consumer<Transfer> landing;
  private final UpstreamChoice upstream;
  private final RepositoryName repo;
  private final Digest digest;
  private final TransferFiles files;
  private final TransferSignal signal = new TransferSignal();

  /** Completes when the blob is in the store; fails with a {@link MirrorException}. */
  final CompletableFuture<Void> done = new CompletableFuture<>();

  /** The blob's size, once the metainfo or the origin told it. */
  final CompletableFuture<Long> sized = new CompletableFuture<>();

  private volatile long originSize = -1;

  /** Bytes at the start of the origin file that are written (verified prefix + origin). */
  private volatile long committed;

  // Guarded by this.
  private final TransferPhases phases;
  private CompletableFuture<MetainfoAnswer> metainfoCall;
  private Metainfo meta;
  private Torrent torrent;

  /** The sha256 of {@link #torrent}'s in-order prefix, as its streams read it. */
  private PrefixHasher prefixHash;

  /**
   * @param landing ends the transfer's flight; called before the outcome is published
   */
  Transfer(
      FetchContext context,
      Consumer<Transfer> landing,
      UpstreamChoice upstream,
      RepositoryName repo,
      Digest digest) {
    this.context = context;
    this.landing = landing;
    this.upstream = upstream;
    this.repo = repo;
    this.digest = digest;
    this.phases = new TransferPhases(context.swarmDeadline());
    this.files = TransferFiles.of(context.partialDir(), digest);
  }

  @Override
  public Digest digest() {
    return digest;
  }

  /** Starts the transfer, unless the blob reached the store since the caller looked. */
  void begin() {
    try {
      if (context.store().contains(digest)) {
        finish(null);
        return;
      }
    } catch (RuntimeException e) {
      finish(new MirrorStorageException("looking up " + digest + " in the store failed", e));
      return;
    }
    CompletableFuture<MetainfoAnswer> call;
    synchronized (this) {
      Instant now = context.clock().instant();
      Optional<String> origin =
          phases.start(now, !context.announce().isEmpty(), context.refusals().refused(digest, now));
      if (origin.isPresent()) {
        toOrigin(origin.get());
        return;
      }
      try {
        metainfoCall = context.metainfoSource().fetch(upstream.host(), repo, digest);
      } catch (RuntimeException e) {
        toOrigin("asking the trackers for metainfo failed: " + e);
        return;
      }
      call = metainfoCall;
    }
    call.whenComplete(this::onMetainfo);
  }

  private void onMetainfo(MetainfoAnswer answer, Throwable error) {
    Torrent started;
    synchronized (this) {
      if (!phases.awaitingMetainfo()) {
        return; // the deadline already sent us to the origin
      }
      if (error != null) {
        toOrigin("no metainfo from the trackers: " + Futures.unwrap(error).getMessage());
        return;
      }
      Metainfo found = answer.metainfo();
      Optional<String> problem =
          TransferPhases.metainfoProblem(found, digest, context.swarm().maxPieceBytes());
      if (problem.isPresent()) {
        toOrigin(problem.get());
        return;
      }
      Optional<byte[]> inline = acceptInline(answer);
      if (inline.isPresent()) {
        meta = found;
        phases.verifying();
        sized.complete(found.length());
        signal.signal();
        execute(() -> storeInline(inline.get()));
        return;
      }
      try {
        meta = found.withAnnounce(context.announce());
        Files.createDirectories(context.partialDir());
        torrent = context.swarm().download(meta, files.part(), files.done());
        prefixHash = new PrefixHasher();
      } catch (IOException | RuntimeException e) {
        toOrigin("starting the swarm download failed: " + e);
        return;
      }
      phases.downloadStarted(context.clock().instant());
      started = torrent;
    }
    log.atInfo()
        .addKeyValue("digest", digest)
        .addKeyValue("torrent", meta.infoHash().hex())
        .log("downloading {} bytes from the swarm", meta.length());
    sized.complete(meta.length());
    signal.signal();
    started.completion().whenComplete(this::onSwarmDone);
    started
        .trackersDown()
        .thenAccept(why -> why.ifPresent(reason -> onTrackersDown(started, reason)));
  }

  /**
   * The blob's bytes from its metainfo answer, when they are there and are the blob (decision 31):
   * the transfer then needs no announce, no peer and no torrent. Bytes that are not the blob are
   * never served; the swarm (or the origin) serves the blob instead, and the log says why.
   */
  private Optional<byte[]> acceptInline(MetainfoAnswer answer) {
    Optional<byte[]> inline = answer.inline();
    if (inline.isEmpty()) {
      return inline;
    }
    Optional<String> problem = answer.inlineProblem(digest);
    if (problem.isEmpty()) {
      return inline;
    }
    context.counters().inlineRejected();
    log.atWarn()
        .addKeyValue("digest", digest)
        .log("not serving the bytes inlined in the metainfo answer, using the swarm: {}", problem);
    return Optional.empty();
  }

  /** On the transfer executor: writes the checked inlined bytes and has the store adopt them. */
  private void storeInline(byte[] bytes) {
    Path file = files.done();
    try {
      Files.createDirectories(context.partialDir());
      Files.write(file, bytes);
      context.store().adopt(digest, file); // checks the sha256 once more
    } catch (IOException e) {
      TransferFiles.deleteQuietly(file);
      finish(MirrorStorageException.writing("storing blob " + digest, e));
      return;
    } catch (RuntimeException e) {
      TransferFiles.deleteQuietly(file);
      finish(new MirrorStorageException("storing blob " + digest + " failed: " + e, e));
      return;
    }
    context.counters().storedInline();
    log.atInfo()
        .addKeyValue("digest", digest)
        .log("{} bytes inlined in the metainfo answer verified and cached", bytes.length);
    finish(null);
  }

  /**
   * Every tracker said it cannot serve {@code download}'s announces (on the engine's thread): off
   * that thread, the phases decide at once whether the transfer leaves for the origin.
   */
  private void onTrackersDown(Torrent download, String why) {
    synchronized (this) {
      if (torrent != download || !phases.downloading()) {
        return;
      }
      phases.trackersDown(why);
    }
    try {
      context.executor().execute(() -> tick(context.clock().instant()));
    } catch (RejectedExecutionException e) {
      // Shutting down; the fetcher's next tick decides, as for any transfer.
    }
  }

  private void onSwarmDone(Path file, Throwable error) {
    synchronized (this) {
      if (!phases.downloading()) {
        return;
      }
      if (error != null) {
        toOrigin("the swarm download failed: " + Futures.unwrap(error));
        return;
      }
      phases.verifying();
    }
    signal.signal();
    execute(() -> adopt(file));
  }

  /**
   * On the transfer executor: the store checks the sha256 and takes the file, hashing only what the
   * streams did not read yet (the torrent's file is the one they read, renamed).
   */
  private void adopt(Path file) {
    context.counters().swarmBytes(torrent.downloadedBytes());
    HashedPrefix prefix;
    synchronized (this) {
      prefix = prefixHash.finish();
    }
    try {
      context.store().adopt(digest, file, prefix);
    } catch (DigestMismatchException e) {
      context.counters().swarmVerificationFailed();
      dropDownload(file);
      context.refusals().refuse(digest, context.clock().instant());
      log.atWarn()
          .addKeyValue("digest", digest)
          .addKeyValue("torrent", meta.infoHash().hex())
          .log(
              "download from the swarm failed verification, deleted it; the origin serves"
                  + " this blob for the next {}: {}",
              TransferPhases.seconds(SwarmRefusals.LENGTH),
              e.getMessage());
      finish(
          new BlobVerificationException(
              "blob " + digest + " from the swarm failed verification: " + e.getMessage(), e));
      return;
    } catch (IOException e) {
      dropDownload(file);
      finish(MirrorStorageException.writing("storing blob " + digest, e));
      return;
    } catch (RuntimeException e) {
      dropDownload(file);
      finish(new MirrorStorageException("storing blob " + digest + " failed: " + e, e));
      return;
    }
    context.counters().storedFromSwarm();
    log.atInfo()
        .addKeyValue("digest", digest)
        .log(
            "{} bytes from the swarm verified and cached ({} hashed while streamed)",
            meta.length(),
            prefix.length());
    try {
      context.seeder().seedAdopted(digest, meta);
    } catch (IOException | RuntimeException e) {
      log.atWarn()
          .addKeyValue("digest", digest)
          .log("cached, but seeding it failed: {}", e.toString());
    }
    finish(null);
  }

  private void dropDownload(Path file) {
    context.swarm().remove(meta.infoHash());
    TransferFiles.deleteQuietly(file);
    TransferFiles.deleteQuietly(files.part());
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
    phases.toOrigin();
    if (prefixHash != null) {
      // The origin copy is a new file: the store hashes all of it.
      prefixHash.discard();
    }
    if (metainfoCall != null) {
      metainfoCall.cancel(true);
    }
    Torrent abandoned = torrent;
    signal.signal();
    execute(() -> runOrigin(abandoned));
  }

  /**
   * On the transfer executor: copies the blob from the origin, after the verified start of an
   * abandoned swarm download, into the store.
   */
  private void runOrigin(Torrent abandoned) {
    OriginCopy copy =
        new OriginCopy(
            context,
            digest,
            repo,
            upstream,
            files,
            new OriginCopy.Listener() {
              @Override
              public void sized(long size) {
                originSize = size;
                sized.complete(size);
                signal.signal();
              }

              @Override
              public void committed(long bytes) {
                committed = bytes;
                signal.signal();
              }

              @Override
              public void verifying() {
                synchronized (Transfer.this) {
                  phases.verifying();
                }
                signal.signal();
              }

              @Override
              public void failed() {
                // Readers now wait for the failure instead of reading a file about to go.
                synchronized (Transfer.this) {
                  phases.finish();
                }
                signal.signal();
              }
            });
    try {
      copy.run(abandoned);
    } catch (MirrorException e) {
      finish(e);
      return;
    }
    finish(null);
  }

  /**
   * Moves a stalled transfer to the origin, and wakes its readers so they look at their stall
   * limit. The torrent's counters are read before taking this transfer's monitor, so an engine
   * thread completing the torrent (which then needs the monitor) can never wait on us while we wait
   * on the engine.
   */
  void tick(Instant now) {
    Torrent current;
    synchronized (this) {
      current = phases.downloading() ? torrent : null;
    }
    long verified = current == null ? 0 : current.verifiedBytes();
    int peers = current == null ? 0 : current.connectedPeers();
    synchronized (this) {
      if (torrent == current) {
        long total = meta == null ? 0 : meta.length();
        phases.check(now, verified, total, peers).ifPresent(this::toOrigin);
      }
    }
    signal.signal();
  }

  /** A snapshot for the admin API and the cache janitor. */
  TransferProgress progress() {
    Phase phase;
    Torrent current;
    Metainfo currentMeta;
    synchronized (this) {
      phase = phases.reported();
      current = torrent;
      currentMeta = meta;
    }
    long size = originSize;
    return TransferPhases.progress(
        digest,
        phase,
        current == null ? OptionalLong.empty() : OptionalLong.of(current.verifiedBytes()),
        currentMeta == null ? OptionalLong.empty() : OptionalLong.of(currentMeta.length()),
        size < 0 ? OptionalLong.empty() : OptionalLong.of(size),
        committed);
  }

  private void finish(Throwable failure) {
    synchronized (this) {
      phases.finish();
    }
    landing.accept(this);
    if (failure == null) {
      done.complete(null);
      context.stored().accept(digest);
    } else {
      context.counters().failed();
      log.atWarn().addKeyValue("digest", digest).log("fetching failed: {}", failure.getMessage());
      done.completeExceptionally(failure);
      sized.completeExceptionally(failure);
    }
    signal.signal();
  }

  private void execute(Runnable task) {
    try {
      context.executor().execute(task);
    } catch (RejectedExecutionException e) {
      finish(new MirrorBusyException("agent is busy, cannot fetch " + digest, e));
    }
  }

  // ---- LiveTransfer: what streams read, on their own threads ----

  @Override
  public Source sourceAt(long position, long expectedSize) throws IOException {
    Instant giveUp = context.clock().instant().plus(STREAM_STALL_LIMIT);
    while (true) {
      long seen = signal.version();
      TransferPhases.Read read;
      Torrent current;
      PrefixHasher hasher;
      synchronized (this) {
        read = phases.read(sized.isDone(), done.isDone());
        current = torrent;
        hasher = prefixHash;
      }
      switch (read) {
        case STORE:
          throwIfFailed();
          return StoreSource.open(context.store(), digest, expectedSize);
        case SWARM:
          try {
            return new TorrentSource(current.openStream(position), hasher);
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
        case ORIGIN:
          return new OriginSource(files.origin(), from -> awaitOriginBytes(from, expectedSize));
        default:
          awaitChange(seen, giveUp, "the transfer to move on");
      }
    }
  }

  /** For an {@link OriginSource}: the committed bytes beyond {@code position}, waiting for some. */
  private long awaitOriginBytes(long position, long expectedSize) throws IOException {
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
    Instant giveUp = context.clock().instant().plus(STREAM_STALL_LIMIT);
    while (true) {
      long seen = signal.version();
      long available = committed - position;
      if (available > 0) {
        return available;
      }
      synchronized (this) {
        if (!phases.copyingFromOrigin()) {
          // Verifying or done: the bytes are (about to be) in the store.
          throw new IOException("the origin copy of " + digest + " is complete");
        }
      }
      awaitChange(seen, giveUp, "bytes from the origin at offset " + position);
    }
  }

  @Override
  public void awaitVerdict(long expectedSize) throws IOException {
    Instant giveUp = context.clock().instant().plus(STREAM_STALL_LIMIT);
    while (true) {
      long seen = signal.version();
      if (done.isDone()) {
        break;
      }
      awaitChange(seen, giveUp, "the sha256 verdict");
    }
    throwIfFailed();
    OptionalLong stored = context.store().size(digest);
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

  /** Throws the transfer's failure, as a mirror error, if it failed. */
  private void throwIfFailed() throws BlobReadException {
    if (!done.isCompletedExceptionally()) {
      return;
    }
    try {
      done.getNow(null);
    } catch (RuntimeException e) {
      Throwable cause = Futures.unwrap(e);
      throw new BlobReadException(
          cause instanceof MirrorException m
              ? m
              : new MirrorStorageException("fetching blob " + digest + " failed: " + cause, cause));
    }
  }

  /**
   * Waits for a signal after {@code seen}; fails once {@code giveUp} passed on the fetcher's clock,
   * which the fetcher's ticks make readers look at.
   */
  private void awaitChange(long seen, Instant giveUp, String what) throws IOException {
    if (!context.clock().instant().isBefore(giveUp)) {
      throw new BlobReadException(
          new UpstreamUnavailableException(
              "streaming blob "
                  + digest
                  + ": gave up waiting for "
                  + what
                  + " after "
                  + TransferPhases.seconds(STREAM_STALL_LIMIT)));
    }
    try {
      signal.await(seen);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while streaming " + digest);
    }
  }
}
