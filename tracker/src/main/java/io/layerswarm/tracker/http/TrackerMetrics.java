package io.layerswarm.tracker.http;

import io.layerswarm.tracker.announce.TrackerReply;
import io.layerswarm.tracker.peerstore.PeerStore;
import io.layerswarm.tracker.peerstore.PeerStoreUnavailableException;
import io.layerswarm.tracker.peerstore.StoreStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.InstantSource;
import java.util.Optional;

/**
 * The tracker's meters, exposed as Prometheus text on {@code /metrics}: {@code
 * tracker_announces_total{result}} and {@code tracker_scrapes_total{result}} (result {@code ok};
 * {@code failure}, a bad or refused request; {@code unavailable}, the peer store was down or the
 * tracker too busy), {@code tracker_metainfo_requests_total{result}}, and the gauges {@code
 * tracker_swarms} and {@code tracker_peers} (live ones, read from the store once per scrape; NaN
 * while the store is unavailable) and {@code tracker_peer_store_up} (1 or 0); {@code
 * tracker_unsigned_requests_total{endpoint}} (requests refused for a missing or bad cluster
 * signature), {@code tracker_fleet_agents} (agents that polled {@code /fleet} lately), {@code
 * tracker_connections} and {@code tracker_refused_connections_total{reason}} (connections closed at
 * a cap). With a shared Redis store, the swarm and peer gauges count the whole cluster's.
 *
 * <p>Thread-safe. {@link #prometheusText} reads the store, so it runs on the store pool.
 */
public final class TrackerMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final PeerStore store;
  private final InstantSource clock;
  private final Counter announcesOk;
  private final Counter announcesFailed;
  private final Counter announcesUnavailable;
  private final Counter scrapesOk;
  private final Counter scrapesFailed;
  private final Counter scrapesUnavailable;

  /** The store's totals as of the latest scrape; empty when the store did not answer. */
  private volatile Optional<StoreStats> stats = Optional.empty();

  public TrackerMetrics(PeerStore store, InstantSource clock) {
    this.store = store;
    this.clock = clock;
    announcesOk = announces("ok");
    announcesFailed = announces("failure");
    announcesUnavailable = announces("unavailable");
    scrapesOk = scrapes("ok");
    scrapesFailed = scrapes("failure");
    scrapesUnavailable = scrapes("unavailable");
    Gauge.builder("tracker.swarms", () -> stats.map(s -> (double) s.swarms()).orElse(Double.NaN))
        .description("Swarms with at least one live peer")
        .register(registry);
    Gauge.builder("tracker.peers", () -> stats.map(s -> (double) s.peers()).orElse(Double.NaN))
        .description("Live peers over all swarms")
        .register(registry);
    Gauge.builder("tracker.peer.store.up", () -> stats.isPresent() ? 1 : 0)
        .description("1 if the peer store answered at the latest scrape, else 0")
        .register(registry);
  }

  void announced(TrackerReply reply) {
    (reply.unavailable() ? announcesUnavailable : reply.failure() ? announcesFailed : announcesOk)
        .increment();
  }

  void scraped(TrackerReply reply) {
    (reply.unavailable() ? scrapesUnavailable : reply.failure() ? scrapesFailed : scrapesOk)
        .increment();
  }

  /**
   * @param result ok, invalid, not_found, unavailable, busy or error
   */
  void metainfo(String result) {
    Counter.builder("tracker.metainfo.requests")
        .description("GET /metainfo requests by result")
        .tag("result", result)
        .register(registry)
        .increment();
  }

  /**
   * @param endpoint announce, scrape or metainfo
   */
  void unsigned(String endpoint) {
    Counter.builder("tracker.unsigned.requests")
        .description("Requests refused with 401 for a missing or bad cluster signature")
        .tag("endpoint", endpoint)
        .register(registry)
        .increment();
  }

  /**
   * @param reason total or per_address
   */
  void refusedConnection(String reason) {
    Counter.builder("tracker.refused.connections")
        .description("Connections closed at accept because a connection cap was reached")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /** Reports the listener's open connections as {@code tracker_connections}. */
  void connections(java.util.function.IntSupplier open) {
    Gauge.builder("tracker.connections", open::getAsInt)
        .description("Open connections to the tracker's HTTP listener")
        .register(registry);
  }

  /** Reports the agents that polled {@code /fleet} lately as {@code tracker_fleet_agents}. */
  public void fleet(java.util.function.IntSupplier agents) {
    Gauge.builder("tracker.fleet.agents", agents::getAsInt)
        .description("Agents that polled /fleet lately: the ones a fleet preheat would include")
        .register(registry);
  }

  /** Reads the store's totals, then renders every meter. May block on the store. */
  String prometheusText() {
    try {
      stats = Optional.of(store.stats(clock.instant()));
    } catch (PeerStoreUnavailableException e) {
      stats = Optional.empty();
    }
    return registry.scrape();
  }

  @Override
  public void close() {
    registry.close();
  }

  private Counter announces(String result) {
    return Counter.builder("tracker.announces")
        .description(
            "Announces by result (failure: a bad or refused request; unavailable: the"
                + " peer store was down or the tracker busy)")
        .tag("result", result)
        .register(registry);
  }

  private Counter scrapes(String result) {
    return Counter.builder("tracker.scrapes")
        .description(
            "Scrapes by result (failure: a bad or refused request; unavailable: the"
                + " peer store was down or the tracker busy)")
        .tag("result", result)
        .register(registry);
  }
}
