package io.layerswarm.agent.mirror;

import io.layerswarm.agent.cache.BlobLeases;
import io.layerswarm.core.Digest;
import io.layerswarm.core.SingleFlight;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.store.BlobStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings blobs into the agent's store: from the swarm first, from the origin when the swarm fails.
 * One {@link Transfer} per digest; concurrent requests for a digest share it (single flight), and
 * each may stream from it while it runs ({@link #open}).
 *
 * <p>A transfer goes METAINFO (ask the trackers) -> SWARM (download) -> VERIFYING (the store adopts
 * the file, checking its sha256) -> seeded from the store. When the trackers have no metainfo, or
 * nothing new is verified within the swarm deadline, it switches to ORIGIN: the verified pieces at
 * the start of the download are kept, the rest comes from the upstream with a Range request, and
 * the store adopts that, checking the sha256 again ({@link TransferPhases} decides, {@link
 * OriginCopy} copies). While the swarm's copy of a digest has recently failed verification, new
 * transfers of it go to the origin at once ({@link SwarmRefusals}).
 *
 * <p>Streaming: once the size is known, {@link LiveBlob}s read the transfer's bytes in order:
 * verified pieces from the torrent, the origin file as it grows, or the store. The bytes that end a
 * response wait for the verdict, the store's sha256 check of the whole blob (so a complete body
 * always means a verified, cached blob); if the check fails, the response is aborted. The streams
 * reading a swarm download from its start hash its bytes as they pass ({@link PrefixHasher}), so
 * after the last piece the store hashes only what no stream read yet; an origin copy, a new file,
 * is hashed whole. A stream that was reading from the swarm when it stalled goes on from the origin
 * copy, which resumes with a Range request after the verified prefix; no stream asks the origin on
 * its own.
 *
 * <p>Threads: {@link #fetch} and {@link #open} may block briefly on a store lookup, so call them
 * off the event loop. Time only moves through {@link #tick}, which the owner calls periodically: it
 * checks the swarm deadlines and the streams' stall limits at the injected clock's time, so tests
 * drive both without sleeping.
 */
public final class BlobFetcher {
  private static final Logger log = LoggerFactory.getLogger(BlobFetcher.class);

  /**
   * After the swarm's copy of a blob failed verification, new transfers use the origin this long.
   */
  static final Duration SWARM_REFUSAL = SwarmRefusals.LENGTH;

  private final FetchContext context;
  private final SingleFlight.Shared<Digest, Transfer> flights = new SingleFlight.Shared<>();
  private final List<Consumer<Digest>> storedListeners = new CopyOnWriteArrayList<>();

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
    this(
        store,
        metainfoSource,
        swarm,
        seeder,
        transfers,
        clock,
        partialDir,
        announce,
        swarmDeadline,
        OriginLimits.DEFAULT);
  }

  /**
   * @param transfers runs origin copies and store adoption (blocking work)
   * @param partialDir where swarm downloads and origin copies are written until verified
   * @param announce this agent's tracker announce URLs; empty means the swarm is never tried
   * @param swarmDeadline the longest a transfer may go without metainfo or newly verified bytes
   * @param origin how slow a blob body from the origin may be before the transfer gives up
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
      Duration swarmDeadline,
      OriginLimits origin) {
    this.context =
        new FetchContext(
            store,
            metainfoSource,
            swarm,
            seeder,
            transfers,
            clock,
            partialDir,
            announce,
            swarmDeadline,
            new SwarmRefusals(),
            new FetchCounters(),
            this::stored,
            origin);
  }

  /**
   * Calls {@code listener} with the digest each time a transfer has put a blob into the store (on
   * the transfer's thread; keep it short).
   */
  public void onStored(Consumer<Digest> listener) {
    storedListeners.add(listener);
  }

  private void stored(Digest digest) {
    for (Consumer<Digest> listener : storedListeners) {
      try {
        listener.accept(digest);
      } catch (RuntimeException e) {
        log.atWarn()
            .addKeyValue("digest", digest)
            .log("a listener for stored blobs failed: {}", e.toString());
      }
    }
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

  /** True while a transfer of {@code digest} runs: a new request joins it. */
  boolean fetching(Digest digest) {
    return flights.current(digest).isPresent();
  }

  /**
   * The blob streamed from the origin for one response without storing it ({@link PassThrough}),
   * for when the data file system has no room for it. Blocks on the origin's answer.
   */
  LiveBlob passThrough(
      UpstreamChoice upstream, RepositoryName repo, Digest digest, BlobLeases.Lease lease)
      throws MirrorException {
    PassThrough body =
        PassThrough.open(upstream, repo, digest, context.origin(), context.counters());
    context.counters().passedThrough();
    return new LiveBlob(body, body.size(), lease);
  }

  private Transfer transferFor(UpstreamChoice upstream, RepositoryName repo, Digest digest) {
    return flights.join(
        digest,
        d -> new Transfer(context, landed -> flights.land(d, landed), upstream, repo, d),
        Transfer::begin);
  }

  /**
   * Checks every transfer against the swarm deadline at the clock's current time, moves the stalled
   * ones to the origin, and lets waiting streams look at their stall limit. Cheap; call it a few
   * times per deadline.
   */
  public void tick() {
    Instant now = context.clock().instant();
    for (Transfer transfer : flights.running()) {
      transfer.tick(now);
    }
    context.refusals().expire(now);
  }

  /** Snapshots of the transfers in progress. */
  public List<TransferProgress> transfers() {
    List<TransferProgress> result = new ArrayList<>();
    for (Transfer transfer : flights.running()) {
      result.add(transfer.progress());
    }
    return result;
  }

  /** What the fetcher moved since start. Reads only counters: cheap, safe on an event loop. */
  public FetchCounts counts() {
    return context.counters().snapshot();
  }

  /** True while new transfers of {@code digest} skip the swarm (its copy failed verification). */
  boolean swarmRefused(Digest digest) {
    return context.refusals().refused(digest, context.clock().instant());
  }

  /** For tests: waits up to {@code timeout} for the transfer of {@code digest} to end. */
  void awaitIdle(Digest digest, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    Optional<Transfer> transfer = flights.current(digest);
    if (transfer.isPresent()) {
      try {
        transfer.get().done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        // Ended, with a failure: that is idle too.
      }
    }
  }
}
