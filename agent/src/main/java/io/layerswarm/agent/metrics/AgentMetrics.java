package io.layerswarm.agent.metrics;

import io.layerswarm.agent.cache.CachePolicy;
import io.layerswarm.agent.mirror.FetchCounts;
import io.layerswarm.agent.mirror.TransferProgress;
import io.layerswarm.agent.pins.PinState;
import io.layerswarm.agent.pins.Readiness;
import io.layerswarm.swarm.Traffic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The agent's meters, as Prometheus text on {@code GET /metrics}: requests answered, where blobs
 * came from (the swarm, or the origin as a fallback), peer traffic, the cache and the transfers.
 * The names are listed in {@code docs/metrics.md}.
 *
 * <p>{@link #scrape} runs on a Netty event loop, so no meter reads anything that can block: the
 * counters are atomics, and what needs the blob store or the engine's torrents is handed in by the
 * agent's timer ({@link #sampled}, {@link #cacheMeasured}). Every labelled series exists from the
 * start, at 0, so that rates and alerts need no "absent" case. Thread-safe.
 */
public final class AgentMetrics implements AutoCloseable {
  /** How a blob GET was answered. */
  public enum BlobResult {
    /** from the local store */
    HIT,
    /** streamed while a transfer (swarm, or origin fallback) brought it into the store */
    MISS,
    /** the upstream does not have it (404) */
    NOT_FOUND,
    /** any other error answer, a transfer that failed before the first byte included */
    ERROR;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How a manifest GET or HEAD was answered. */
  public enum ManifestResult {
    OK,
    /** the upstream does not have it (404) */
    NOT_FOUND,
    /** any other error answer */
    ERROR;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * What the agent's timer saw of the swarm engine and the transfers.
   *
   * @param torrents torrents the engine holds (downloads and seeds)
   * @param peerConnections peer connections over all torrents
   * @param transfers blob transfers in progress
   */
  public record Sample(int torrents, int peerConnections, List<TransferProgress> transfers) {
    public Sample {
      transfers = List.copyOf(transfers);
    }
  }

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<BlobResult, Counter> blobRequests = new EnumMap<>(BlobResult.class);
  private final Map<ManifestResult, Counter> manifestRequests = new EnumMap<>(ManifestResult.class);
  private final Map<CachePolicy.Reason, Counter> evictions =
      new EnumMap<>(CachePolicy.Reason.class);
  private final Map<CachePolicy.Reason, Counter> evictedBytes =
      new EnumMap<>(CachePolicy.Reason.class);
  private final Counter requestEvictions;
  private final Counter requestEvictedBytes;
  private final Map<TransferProgress.Phase, AtomicInteger> transfers =
      new EnumMap<>(TransferProgress.Phase.class);
  private final AtomicLong torrents = new AtomicLong();
  private final AtomicLong peerConnections = new AtomicLong();
  private final AtomicLong cacheBytes = new AtomicLong();
  private final AtomicLong cachedBlobs = new AtomicLong();

  /**
   * Held here because Micrometer keeps only a weak reference to a function meter's state object:
   * without this, the fetch counters could read 0 after a collection.
   */
  private Supplier<FetchCounts> fetches;

  /** Held for the same reason as {@link #fetches}. */
  private Supplier<Traffic> peerTraffic;

  private volatile Supplier<List<String>> health = List::of;

  /** Until the agent binds its pins: not ready, so no load balancer sees a half-started agent. */
  private volatile Supplier<Readiness> readiness =
      () -> new Readiness(List.of("starting"), List.of());

  public AgentMetrics() {
    for (BlobResult result : BlobResult.values()) {
      blobRequests.put(
          result,
          Counter.builder("agent.blob.requests")
              .description(
                  "Blob GETs by result: hit (from the cache), miss (streamed while it was"
                      + " fetched), not_found, error")
              .tag("result", result.label())
              .register(registry));
    }
    for (ManifestResult result : ManifestResult.values()) {
      manifestRequests.put(
          result,
          Counter.builder("agent.manifest.requests")
              .description("Manifest GETs and HEADs by result")
              .tag("result", result.label())
              .register(registry));
    }
    for (CachePolicy.Reason reason : CachePolicy.Reason.values()) {
      evictions.put(reason, evictionCounter(label(reason)));
      evictedBytes.put(reason, evictedBytesCounter(label(reason)));
    }
    requestEvictions = evictionCounter("request");
    requestEvictedBytes = evictedBytesCounter("request");
    for (TransferProgress.Phase phase : TransferProgress.Phase.values()) {
      AtomicInteger count = new AtomicInteger();
      transfers.put(phase, count);
      Gauge.builder("agent.transfers", count, AtomicInteger::get)
          .description("Blob transfers in progress, by phase")
          .tag("phase", phase.name().toLowerCase(Locale.ROOT))
          .register(registry);
    }
    Gauge.builder("agent.torrents", torrents, AtomicLong::get)
        .description("Torrents the swarm engine holds (downloads and seeds)")
        .register(registry);
    Gauge.builder("agent.peer.connections", peerConnections, AtomicLong::get)
        .description("Peer connections over all torrents")
        .register(registry);
    Gauge.builder("agent.cache.bytes", cacheBytes, AtomicLong::get)
        .description("Bytes of verified blobs in the cache")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("agent.cached.blobs", cachedBlobs, AtomicLong::get)
        .description("Verified blobs in the cache")
        .register(registry);
  }

  /**
   * Meters read from the blob fetcher's counters at scrape time; {@code counts} must not block.
   * Call once.
   */
  public void bindFetches(Supplier<FetchCounts> counts) {
    this.fetches = Objects.requireNonNull(counts, "counts");
    FunctionCounter.builder("agent.swarm.bytes", counts, c -> c.get().bytesFromSwarm())
        .description("Bytes of cached blobs that came from peers, without duplicates")
        .baseUnit("bytes")
        .register(registry);
    FunctionCounter.builder("agent.origin.fallback.bytes", counts, c -> c.get().bytesFromOrigin())
        .description("Bytes copied from the origin registry because the swarm failed")
        .baseUnit("bytes")
        .register(registry);
    fetches(counts, "swarm", FetchCounts::blobsFromSwarm);
    fetches(counts, "origin", FetchCounts::blobsFromOrigin);
    fetches(counts, "failed", FetchCounts::failedFetches);
    fetches(counts, "inline", FetchCounts::blobsInline);
    verificationFailures(counts, "swarm", FetchCounts::swarmVerificationFailures);
    verificationFailures(counts, "origin", FetchCounts::originVerificationFailures);
    verificationFailures(counts, "inline", FetchCounts::inlineRejected);
    FunctionCounter.builder("agent.blobs.passed.through", counts, c -> c.get().passedThrough())
        .description(
            "Blobs streamed from the origin without being stored: no room above the data file"
                + " system's free-space floor")
        .register(registry);
  }

  /**
   * The peer wire counters, read from the swarm engine at scrape time (exact, not sampled); {@code
   * traffic} must not block. Call once.
   */
  public void bindPeerTraffic(Supplier<Traffic> traffic) {
    this.peerTraffic = Objects.requireNonNull(traffic, "traffic");
    FunctionCounter.builder("agent.peer.uploaded.bytes", traffic, t -> t.get().uploadedBytes())
        .description("Piece payload sent to other peers")
        .baseUnit("bytes")
        .register(registry);
    FunctionCounter.builder("agent.peer.downloaded.bytes", traffic, t -> t.get().downloadedBytes())
        .description("Piece payload received from other peers that downloads needed")
        .baseUnit("bytes")
        .register(registry);
    FunctionCounter.builder("agent.peer.duplicate.bytes", traffic, t -> t.get().duplicateBytes())
        .description(
            "Piece payload received from other peers that downloads did not need: endgame"
                + " duplicates and blocks after their request was withdrawn")
        .baseUnit("bytes")
        .register(registry);
  }

  /**
   * What {@code /healthz} reports: the problems of the agent's threads (a dead or stuck event loop,
   * a stopped pool), none when healthy; must not block. Call once.
   */
  public void bindHealth(Supplier<List<String>> problems) {
    this.health = Objects.requireNonNull(problems, "problems");
  }

  /** The problems {@code /healthz} reports now; empty when healthy. */
  public List<String> health() {
    return health.get();
  }

  /**
   * What {@code GET /ready} answers, and {@code agent_pins} / {@code agent_pins_complete} read at
   * scrape time; {@code pins} must not block. Call once.
   */
  public void bindPins(Supplier<List<PinState>> pins, Supplier<Readiness> readiness) {
    Objects.requireNonNull(pins, "pins");
    this.readiness = Objects.requireNonNull(readiness, "readiness");
    Gauge.builder("agent.pins", () -> pins.get().size())
        .description("Images the agent keeps local (agent.pins)")
        .register(registry);
    Gauge.builder(
            "agent.pins.complete", () -> pins.get().stream().filter(PinState::complete).count())
        .description("Pinned images whose blobs are all local")
        .register(registry);
  }

  /** Whether the agent is ready now ({@code GET /ready}); never blocks. */
  public Readiness readiness() {
    return readiness.get();
  }

  /** {@code agent_draining}, read at scrape time; {@code draining} must not block. Call once. */
  public void bindDrain(BooleanSupplier draining) {
    Objects.requireNonNull(draining, "draining");
    Gauge.builder("agent.draining", () -> draining.getAsBoolean() ? 1 : 0)
        .description("1 while the agent drains (new registry requests get 503), else 0")
        .register(registry);
  }

  public void blobRequest(BlobResult result) {
    blobRequests.get(result).increment();
  }

  public void manifestRequest(ManifestResult result) {
    manifestRequests.get(result).increment();
  }

  /** What the agent's timer saw; called from the timer thread only. */
  public void sampled(Sample sample) {
    torrents.set(sample.torrents());
    peerConnections.set(sample.peerConnections());
    Map<TransferProgress.Phase, Integer> byPhase = new EnumMap<>(TransferProgress.Phase.class);
    for (TransferProgress transfer : sample.transfers()) {
      byPhase.merge(transfer.phase(), 1, Integer::sum);
    }
    transfers.forEach((phase, count) -> count.set(byPhase.getOrDefault(phase, 0)));
  }

  /** The cache as the latest listing of the blob store found it. */
  public void cacheMeasured(long bytes, long blobs) {
    cacheBytes.set(bytes);
    cachedBlobs.set(blobs);
  }

  /** A blob an admin evicted ({@code layerswarm evict}); 0 bytes if only its torrent went. */
  public void evictedOnRequest(long bytes) {
    requestEvictions.increment();
    requestEvictedBytes.increment(bytes);
  }

  private Counter evictionCounter(String reason) {
    return Counter.builder("agent.cache.evictions")
        .description("Blobs evicted, by reason: idle, budget (the cache janitor), request (admin)")
        .tag("reason", reason)
        .register(registry);
  }

  private Counter evictedBytesCounter(String reason) {
    return Counter.builder("agent.cache.evicted.bytes")
        .description("Bytes evicted, by reason: idle, budget (the cache janitor), request (admin)")
        .baseUnit("bytes")
        .tag("reason", reason)
        .register(registry);
  }

  /** Blobs the cache janitor removed. */
  public void evicted(List<CachePolicy.Eviction> evicted) {
    for (CachePolicy.Eviction eviction : evicted) {
      evictions.get(eviction.reason()).increment();
      evictedBytes.get(eviction.reason()).increment(eviction.sizeBytes());
    }
  }

  /** Prometheus text, exposition format 0.0.4. Reads only memory: safe on an event loop. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    registry.close();
  }

  private void fetches(
      Supplier<FetchCounts> counts, String result, ToLongFunction<FetchCounts> count) {
    FunctionCounter.builder("agent.blob.fetches", counts, c -> count.applyAsLong(c.get()))
        .description(
            "Blobs brought into the cache by where they came from (swarm; inline, tiny blobs in"
                + " their metainfo answer; origin, as a fallback), or failed")
        .tag("result", result)
        .register(registry);
  }

  private void verificationFailures(
      Supplier<FetchCounts> counts, String source, ToLongFunction<FetchCounts> count) {
    FunctionCounter.builder("agent.verification.failures", counts, c -> count.applyAsLong(c.get()))
        .description("Blobs whose sha256 or size did not match their digest, by source")
        .tag("source", source)
        .register(registry);
  }

  private static String label(CachePolicy.Reason reason) {
    return switch (reason) {
      case IDLE -> "idle";
      case OVER_BUDGET -> "budget";
      case FREE_SPACE -> "free_space";
    };
  }
}
