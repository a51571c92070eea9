package io.layerswarm.tracker.metainfo;

import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.ring.HealthChecker;
import io.layerswarm.core.ring.HealthProbe;
import io.layerswarm.core.ring.HttpHealthProbe;
import io.layerswarm.core.ring.MemberHealth;
import io.layerswarm.core.ring.SeederRing;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracker's view of the seeders: the {@link SeederRing} over {@code tracker.seeders} with R =
 * {@code tracker.ring-replicas}, and a {@link HealthChecker} that probes every member's {@code GET
 * /healthz} periodically (when there is more than one). {@link #metainfoSource} asks the live
 * owners of a digest first. Close it after the tracker server that uses it.
 *
 * <pre>{@code
 * try (SeederCluster seeders = SeederCluster.start(config.seeders(), 2);
 *     TrackerServer tracker = TrackerServer.start(config, store,
 *         seeders.metainfoSource(HttpMetainfoSource.DEFAULT_TIMEOUT), InstantSource.system())) {
 *   ...
 * }
 * }</pre>
 */
public final class SeederCluster implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SeederCluster.class);

  /** Between probe rounds; as the seeders probe each other. */
  public static final Duration DEFAULT_PROBE_INTERVAL = HealthChecker.DEFAULT_INTERVAL;

  /** One probe, connect included. */
  public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(2);

  private final HealthChecker health;
  private final ScheduledExecutorService scheduler;

  private SeederCluster(HealthChecker health, ScheduledExecutorService scheduler) {
    this.health = health;
    this.scheduler = scheduler;
  }

  /** Probes over HTTP every {@link #DEFAULT_PROBE_INTERVAL}, on the system clock. */
  public static SeederCluster start(List<URI> seeders, int replicas) {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(DEFAULT_PROBE_TIMEOUT)
            .build();
    return start(
        seeders,
        replicas,
        new HttpHealthProbe(http, DEFAULT_PROBE_TIMEOUT),
        InstantSource.system(),
        DEFAULT_PROBE_INTERVAL);
  }

  /**
   * @param seeders the seeders' control URLs ({@code tracker.seeders}), at least one
   * @param replicas R ({@code tracker.ring-replicas}), at least 1; must equal the seeders' {@code
   *     seeder.ring-replicas}, or the tracker asks other seeders than the preheats warmed
   * @param interval between probe rounds; zero: no periodic rounds (tests call {@link
   *     #health()}{@code .checkNow()})
   * @throws IllegalArgumentException for an empty list, a duplicate or bad URL, or R < 1
   */
  public static SeederCluster start(
      List<URI> seeders, int replicas, HealthProbe probe, InstantSource clock, Duration interval) {
    if (seeders == null || seeders.isEmpty()) {
      throw new IllegalArgumentException("tracker.seeders needs at least one seeder URL");
    }
    for (URI seeder : seeders) {
      HttpMetainfoSource.requireHttpUri("tracker.seeders", seeder);
    }
    SeederRing ring;
    try {
      ring = SeederRing.of(seeders, replicas);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "tracker.seeders / tracker.ring-replicas: " + e.getMessage(), e);
    }
    HealthChecker health = new HealthChecker(ring, probe, clock);
    ScheduledExecutorService scheduler = null;
    if (ring.members().size() > 1 && !interval.isZero()) {
      ScheduledThreadPoolExecutor executor =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread thread = new Thread(r, "tracker-seeder-health");
                thread.setDaemon(true);
                return thread;
              });
      executor.setRemoveOnCancelPolicy(true);
      scheduler = executor;
      health.start(scheduler, interval);
    }
    log.info(
        "seeder ring of {} (R={}){}",
        ring.members(),
        ring.replicas(),
        scheduler == null ? "" : ", probing /healthz every " + interval.toMillis() + " ms");
    return new SeederCluster(health, scheduler);
  }

  /** Asks the live owners of a digest first; see {@link HttpMetainfoSource}. Unsigned requests. */
  public HttpMetainfoSource metainfoSource(Duration timeout) {
    return new HttpMetainfoSource(health, timeout);
  }

  /** As {@link #metainfoSource(Duration)}, with every request signed by {@code auth}. */
  public HttpMetainfoSource metainfoSource(Duration timeout, HttpAuth auth) {
    return new HttpMetainfoSource(health, timeout, auth);
  }

  public HealthChecker health() {
    return health;
  }

  /** Every member's health, in configured order. */
  public List<MemberHealth> members() {
    return health.members();
  }

  @Override
  public void close() {
    health.close();
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "SeederCluster" + health.ring();
  }
}
