package io.layerswarm.tracker.metainfo;

import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.ring.HealthChecker;
import io.layerswarm.core.ring.HealthProbe;
import io.layerswarm.core.ring.HttpHealthProbe;
import io.layerswarm.core.ring.HttpRingSource;
import io.layerswarm.core.ring.MemberHealth;
import io.layerswarm.core.ring.RingMembership;
import io.layerswarm.core.ring.RingSync;
import io.layerswarm.core.ring.SeederRing;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracker's view of the seeders: the {@link SeederRing} over {@code tracker.seeders} with R =
 * {@code tracker.ring-replicas}, and a {@link HealthChecker} that probes every member's {@code GET
 * /healthz} periodically. {@link #metainfoSource} asks the live owners of a digest first. The ring
 * changes while the tracker runs: it takes a newer ring from the seeders ({@code GET /ring} on
 * each, every probe interval; {@link RingSync}) and applies a changed {@code tracker.seeders} on
 * SIGHUP ({@link #reconfigure}). Close it after the tracker server that uses it.
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

  private final RingMembership membership;
  private final HealthChecker health;
  private final RingSync sync;
  private final ScheduledExecutorService scheduler;

  private SeederCluster(
      RingMembership membership,
      HealthChecker health,
      RingSync sync,
      ScheduledExecutorService scheduler) {
    this.membership = membership;
    this.health = health;
    this.sync = sync;
    this.scheduler = scheduler;
  }

  /** As {@link #start(List, int, HttpAuth)} in open mode. */
  public static SeederCluster start(List<URI> seeders, int replicas) {
    return start(seeders, replicas, HttpAuth.open());
  }

  /**
   * Probes over HTTP every {@link #DEFAULT_PROBE_INTERVAL}, on the system clock, and takes a newer
   * ring from the seeders ({@code GET /ring}, signed by {@code auth}) as often.
   */
  public static SeederCluster start(List<URI> seeders, int replicas, HttpAuth auth) {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(DEFAULT_PROBE_TIMEOUT)
            .build();
    return start(
        seeders,
        replicas,
        new HttpHealthProbe(http, DEFAULT_PROBE_TIMEOUT),
        new HttpRingSource(http, DEFAULT_PROBE_TIMEOUT, auth),
        InstantSource.system(),
        DEFAULT_PROBE_INTERVAL);
  }

  /** As the full {@code start}, without ring sync (the ring changes by {@link #reconfigure}). */
  public static SeederCluster start(
      List<URI> seeders, int replicas, HealthProbe probe, InstantSource clock, Duration interval) {
    return start(seeders, replicas, probe, null, clock, interval);
  }

  /**
   * @param seeders the seeders' control URLs ({@code tracker.seeders}), at least one
   * @param replicas R ({@code tracker.ring-replicas}), at least 1; must equal the seeders' {@code
   *     seeder.ring-replicas}, or the tracker asks other seeders than the preheats warmed
   * @param rings where the seeders' rings are read; null: no ring sync
   * @param interval between probe and sync rounds; zero: no periodic rounds (tests call {@link
   *     #health()}{@code .checkNow()} and {@link #syncNow})
   * @throws IllegalArgumentException for an empty list, a duplicate or bad URL, or R < 1
   */
  public static SeederCluster start(
      List<URI> seeders,
      int replicas,
      HealthProbe probe,
      RingSync.RingSource rings,
      InstantSource clock,
      Duration interval) {
    SeederRing ring = ring(seeders, replicas);
    RingMembership membership = new RingMembership(ring, clock);
    HealthChecker health = new HealthChecker(ring, probe, clock);
    membership.onChange(changed -> health.update(changed.ring()));
    RingSync sync = rings == null ? null : new RingSync(membership, rings, Optional.empty());
    ScheduledExecutorService scheduler = null;
    // Also with one seeder: the ring may grow by a reload or a change on the seeders.
    if (!interval.isZero()) {
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
      if (sync != null) {
        sync.start(scheduler, interval);
      }
    }
    log.info(
        "seeder ring of {} (R={}){}",
        ring.members(),
        ring.replicas(),
        scheduler == null ? "" : ", probing /healthz every " + interval.toMillis() + " ms");
    return new SeederCluster(membership, health, sync, scheduler);
  }

  private static SeederRing ring(List<URI> seeders, int replicas) {
    if (seeders == null || seeders.isEmpty()) {
      throw new IllegalArgumentException("tracker.seeders needs at least one seeder URL");
    }
    for (URI seeder : seeders) {
      HttpMetainfoSource.requireHttpUri("tracker.seeders", seeder);
    }
    try {
      return SeederRing.of(seeders, replicas);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "tracker.seeders / tracker.ring-replicas: " + e.getMessage(), e);
    }
  }

  /**
   * {@code tracker.seeders} and {@code tracker.ring-replicas} of a config read again (SIGHUP):
   * applied when they changed since the config was last read, as a new version that the seeders'
   * rings beat only when changed later.
   *
   * @return whether the ring changed
   * @throws IllegalArgumentException for a bad list, naming the key; nothing changes
   */
  public boolean reconfigure(List<URI> seeders, int replicas) {
    return membership.configure(ring(seeders, replicas));
  }

  /** One round of reading the seeders' rings, now; completes when all answered. */
  public java.util.concurrent.CompletableFuture<Void> syncNow() {
    return sync == null
        ? java.util.concurrent.CompletableFuture.completedFuture(null)
        : sync.syncNow();
  }

  /** The ring the tracker uses now. */
  public RingMembership membership() {
    return membership;
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
    if (sync != null) {
      sync.close();
    }
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
    return "SeederCluster[" + membership.current() + "]";
  }
}
