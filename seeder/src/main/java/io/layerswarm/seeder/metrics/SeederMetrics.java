package io.layerswarm.seeder.metrics;

import io.layerswarm.seeder.evict.Eviction;
import io.layerswarm.swarm.SwarmEngine;
import io.layerswarm.swarm.Torrent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The seeder's meters, as Prometheus text on {@code /metrics}:
 *
 * <ul>
 *   <li>{@code seeder_origin_bytes_total}: blob bytes received from origin registries
 *   <li>{@code seeder_cache_lookups_total{result}}: metainfo requests by {@code hit} (held), {@code
 *       miss} (fetched from the origin), {@code coalesced} (waited for another request's fetch),
 *       {@code error}
 *   <li>{@code seeder_evictions_total{reason}}, {@code seeder_evicted_bytes_total{reason}}: by
 *       {@code idle}, {@code disk}, {@code request}
 *   <li>{@code seeder_blobs}, {@code seeder_stored_bytes}: the blob store, read at scrape time
 *   <li>{@code seeder_torrents}, {@code seeder_peers}, {@code seeder_uploaded_bytes}: the torrents
 *       seeded now (a torrent's upload count leaves the sum when it is evicted)
 *   <li>{@code seeder_preheat_blobs_total{result}}: blobs preheated, {@code done} or {@code failed}
 *   <li>{@code seeder_notification_events_total{result}}: registry events by {@code queued}, {@code
 *       coalesced}, {@code dropped} (queue full), {@code ignored} (not a manifest push); {@code
 *       seeder_notification_requests_total{result}}: {@code ok}, {@code invalid}
 * </ul>
 *
 * Thread-safe.
 */
public final class SeederMetrics implements AutoCloseable {
  /** Reads the blob store: how many blobs and bytes. Blocks on file I/O. */
  public interface StoreStats {
    long blobs() throws IOException;

    long bytes() throws IOException;
  }

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter hits;
  private final Counter misses;
  private final Counter coalesced;
  private final Counter errors;
  private final Counter copiedBlobs;
  private final Counter copiedBytes;
  private final AtomicLong blobs = new AtomicLong();
  private final AtomicLong storedBytes = new AtomicLong();
  private volatile StoreStats store;

  /**
   * Held here because Micrometer keeps only a weak reference to a function meter's state: a method
   * reference nobody else holds would be collected, and the counter would read 0.
   */
  private volatile LongSupplier originBytes;

  public SeederMetrics() {
    hits = lookups("hit");
    misses = lookups("miss");
    coalesced = lookups("coalesced");
    errors = lookups("error");
    copiedBlobs =
        Counter.builder("seeder.copied.blobs")
            .description("Blobs copied from another seeder after a ring change, not the origin")
            .register(registry);
    copiedBytes =
        Counter.builder("seeder.copied.bytes")
            .description("Bytes of the blobs copied from other seeders")
            .baseUnit("bytes")
            .register(registry);
    // Every labelled series exists from the start, at 0, so that rates and alerts need no
    // "absent" special case.
    for (Eviction.Reason reason : Eviction.Reason.values()) {
      evictionCounter(reason.label());
      evictedBytesCounter(reason.label());
    }
    for (String result : new String[] {"done", "failed"}) {
      preheatCounter(result);
    }
    for (String result : new String[] {"queued", "coalesced", "dropped", "ignored"}) {
      notificationEventCounter(result);
    }
    for (String result : new String[] {"ok", "invalid"}) {
      notificationRequestCounter(result);
    }
    Gauge.builder("seeder.blobs", blobs, AtomicLong::get)
        .description("Blobs held in the store")
        .register(registry);
    Gauge.builder("seeder.stored.bytes", storedBytes, AtomicLong::get)
        .description("Bytes of the blobs held in the store")
        .baseUnit("bytes")
        .register(registry);
  }

  /** Meters that read the service, the engine and the store at scrape time. */
  public void bind(LongSupplier originBytes, SwarmEngine engine, StoreStats store) {
    this.store = store;
    this.originBytes = originBytes;
    FunctionCounter.builder("seeder.origin.bytes", originBytes, LongSupplier::getAsLong)
        .description("Blob bytes received from origin registries")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("seeder.torrents", engine, e -> e.torrents().size())
        .description("Torrents seeded")
        .register(registry);
    Gauge.builder(
            "seeder.peers",
            engine,
            e -> e.torrents().stream().mapToLong(Torrent::connectedPeers).sum())
        .description("Peers connected over all torrents")
        .register(registry);
    Gauge.builder(
            "seeder.uploaded.bytes",
            engine,
            e -> e.torrents().stream().mapToLong(Torrent::uploadedBytes).sum())
        .description("Bytes uploaded by the torrents seeded now")
        .baseUnit("bytes")
        .register(registry);
  }

  public void hit() {
    hits.increment();
  }

  public void miss() {
    misses.increment();
  }

  public void coalesced() {
    coalesced.increment();
  }

  public void error() {
    errors.increment();
  }

  /** A blob copied from another seeder (a new owner after a ring change) instead of the origin. */
  public void copiedFromSeeder(long bytes) {
    copiedBlobs.increment();
    copiedBytes.increment(Math.max(0, bytes));
  }

  public void evicted(Eviction eviction) {
    String reason = eviction.reason().label();
    evictionCounter(reason).increment();
    evictedBytesCounter(reason).increment(eviction.sizeBytes());
  }

  /**
   * @param result done or failed
   */
  public void preheated(String result) {
    preheatCounter(result).increment();
  }

  /**
   * @param result queued, coalesced, dropped or ignored
   */
  public void notificationEvent(String result) {
    notificationEventCounter(result).increment();
  }

  /**
   * @param result ok or invalid
   */
  public void notificationRequest(String result) {
    notificationRequestCounter(result).increment();
  }

  private Counter evictionCounter(String reason) {
    return Counter.builder("seeder.evictions")
        .description("Blobs evicted, by reason")
        .tag("reason", reason)
        .register(registry);
  }

  private Counter evictedBytesCounter(String reason) {
    return Counter.builder("seeder.evicted.bytes")
        .description("Bytes evicted, by reason")
        .baseUnit("bytes")
        .tag("reason", reason)
        .register(registry);
  }

  private Counter preheatCounter(String result) {
    return Counter.builder("seeder.preheat.blobs")
        .description("Blobs preheated, by result")
        .tag("result", result)
        .register(registry);
  }

  private Counter notificationEventCounter(String result) {
    return Counter.builder("seeder.notification.events")
        .description("Registry events, by result")
        .tag("result", result)
        .register(registry);
  }

  private Counter notificationRequestCounter(String result) {
    return Counter.builder("seeder.notification.requests")
        .description("POST /notifications requests, by result")
        .tag("result", result)
        .register(registry);
  }

  /** The Prometheus text. Reads the store first, so it blocks: not for an event loop. */
  public String scrape() {
    StoreStats stats = store;
    if (stats != null) {
      try {
        blobs.set(stats.blobs());
        storedBytes.set(stats.bytes());
      } catch (IOException e) {
        // Keep the last values; the scrape itself must still answer.
      }
    }
    return registry.scrape();
  }

  @Override
  public void close() {
    registry.close();
  }

  private Counter lookups(String result) {
    return Counter.builder("seeder.cache.lookups")
        .description(
            "Metainfo requests by result: hit (held), miss (fetched from the origin),"
                + " coalesced (waited for another request's fetch), error")
        .tag("result", result)
        .register(registry);
  }
}
