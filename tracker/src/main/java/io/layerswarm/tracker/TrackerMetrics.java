package io.layerswarm.tracker;

import io.layerswarm.tracker.peerstore.PeerStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.InstantSource;

/**
 * The tracker's meters, exposed as Prometheus text on {@code /metrics}:
 * {@code tracker_announces_total{result}}, {@code tracker_scrapes_total{result}},
 * {@code tracker_metainfo_requests_total{result}}, and the gauges {@code tracker_swarms} and
 * {@code tracker_peers} (live ones, read from the store at scrape time). Thread-safe.
 */
final class TrackerMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(
      PrometheusConfig.DEFAULT);
  private final Counter announcesOk;
  private final Counter announcesFailed;
  private final Counter scrapesOk;
  private final Counter scrapesFailed;

  TrackerMetrics(PeerStore store, InstantSource clock) {
    announcesOk = announces("ok");
    announcesFailed = announces("failure");
    scrapesOk = scrapes("ok");
    scrapesFailed = scrapes("failure");
    Gauge.builder("tracker.swarms", () -> store.stats(clock.instant()).swarms())
        .description("Swarms with at least one live peer")
        .register(registry);
    Gauge.builder("tracker.peers", () -> store.stats(clock.instant()).peers())
        .description("Live peers over all swarms")
        .register(registry);
  }

  void announced(boolean failure) {
    (failure ? announcesFailed : announcesOk).increment();
  }

  void scraped(boolean failure) {
    (failure ? scrapesFailed : scrapesOk).increment();
  }

  /** @param result ok, invalid, not_found, unavailable, busy or error */
  void metainfo(String result) {
    Counter.builder("tracker.metainfo.requests")
        .description("GET /metainfo requests by result")
        .tag("result", result)
        .register(registry)
        .increment();
  }

  String prometheusText() {
    return registry.scrape();
  }

  @Override
  public void close() {
    registry.close();
  }

  private Counter announces(String result) {
    return Counter.builder("tracker.announces")
        .description("Announces by result (a failure is a bad request)")
        .tag("result", result)
        .register(registry);
  }

  private Counter scrapes(String result) {
    return Counter.builder("tracker.scrapes")
        .description("Scrapes by result (a failure is a bad request)")
        .tag("result", result)
        .register(registry);
  }
}
