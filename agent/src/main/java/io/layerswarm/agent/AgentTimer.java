package io.layerswarm.agent;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.layerswarm.agent.cache.CachePolicy.Eviction;
import io.layerswarm.agent.metrics.AgentMetrics;
import io.layerswarm.agent.mirror.BlobFetcher;
import io.layerswarm.agent.mirror.CacheJanitor;
import io.layerswarm.agent.pins.Pinner;
import io.layerswarm.core.health.Liveness;
import io.layerswarm.registry.store.BlobStore;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's one timer thread and the housekeeping on it: the blob fetcher's ticks (swarm
 * deadlines, streams' stall limits) with a sample for {@code /metrics}, the cache janitor, and the
 * listing of the store for the cache gauges. Blocking file I/O runs here, never on an event loop. A
 * task that throws is logged and runs again next time. {@link #close} stops the thread.
 */
final class AgentTimer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentTimer.class);

  /** How often the cache janitor runs at most apart (also after each new blob). */
  static final Duration JANITOR_PERIOD = Duration.ofSeconds(30);

  /**
   * How often the cache gauges list the store at most apart (also after each new blob and each
   * janitor eviction; admin evictions show at the next listing).
   */
  static final Duration CACHE_USAGE_PERIOD = Duration.ofSeconds(10);

  /** How often the pins are checked for being due (each check is cheap: no I/O unless due). */
  static final Duration PINS_PERIOD = Duration.ofSeconds(1);

  /** How often the event loops get a heartbeat for {@code /healthz}. */
  static final Duration HEARTBEAT_PERIOD = Duration.ofSeconds(2);

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          new ThreadFactoryBuilder().setNameFormat("agent-timer").setDaemon(true).build());

  /**
   * Ticks {@code fetcher} every {@link #tickPeriod} of {@code swarmDeadline}, then runs {@code
   * sample} (what {@code /metrics} shows of the engine).
   */
  void tick(BlobFetcher fetcher, Duration swarmDeadline, Runnable sample) {
    long period = tickPeriod(swarmDeadline).toMillis();
    timer.scheduleAtFixedRate(
        () -> {
          // Each caught: an exception would cancel this task, deadlines included.
          try {
            fetcher.tick();
          } catch (RuntimeException e) {
            log.error("checking swarm deadlines failed", e);
          }
          try {
            sample.run();
          } catch (RuntimeException e) {
            log.error("sampling the swarm for /metrics failed", e);
          }
        },
        period,
        period,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Keeps the cache gauges of {@code /metrics} current: lists the store every {@link
   * #CACHE_USAGE_PERIOD}, and soon after each blob the fetcher stores.
   *
   * @return asks for a listing soon (from any thread)
   */
  Runnable measureCache(BlobFetcher fetcher, BlobStore store, AgentMetrics metrics) {
    Runnable measure =
        () -> {
          try {
            CacheUsage usage = CacheUsage.of(store);
            metrics.cacheMeasured(usage.bytes(), usage.blobs());
          } catch (IOException | RuntimeException e) {
            log.warn("listing the blob store for /metrics: {}", e.toString());
          }
        };
    Runnable soon = coalesced(measure);
    timer.scheduleWithFixedDelay(measure, 0, CACHE_USAGE_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    fetcher.onStored(digest -> soon.run());
    return soon;
  }

  /**
   * Runs the cache janitor every {@link #JANITOR_PERIOD} (a quarter of the time to idle if that is
   * shorter, at least 1 s), and soon after each blob the fetcher stores.
   */
  void runJanitor(BlobFetcher fetcher, CacheJanitor janitor, Consumer<List<Eviction>> onEvicted) {
    Runnable run =
        () -> {
          try {
            onEvicted.accept(janitor.run());
          } catch (IOException | RuntimeException e) {
            log.warn("cache janitor: {}", e.toString());
          }
        };
    Runnable soon = coalesced(run);
    Duration period = janitorPeriod(janitor.policy().timeToIdle());
    timer.scheduleWithFixedDelay(run, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    fetcher.onStored(digest -> soon.run());
  }

  /** Lets {@code pinner} look at its due pins every {@link #PINS_PERIOD}, from now on. */
  void pins(Pinner pinner) {
    timer.scheduleWithFixedDelay(pinner::wake, 0, PINS_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Sends {@code liveness} its heartbeats every {@link #HEARTBEAT_PERIOD}; watches this timer. */
  void heartbeats(Liveness liveness) {
    liveness.pool("agent-timer", timer);
    timer.scheduleWithFixedDelay(
        liveness::beat, 0, HEARTBEAT_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Asks for a run of {@code task} on the timer soon, from any thread; asks made while one is
   * pending coalesce into it.
   */
  private Runnable coalesced(Runnable task) {
    AtomicBoolean pending = new AtomicBoolean();
    return () -> {
      if (pending.compareAndSet(false, true)) {
        try {
          timer.execute(
              () -> {
                pending.set(false);
                task.run();
              });
        } catch (RejectedExecutionException e) {
          pending.set(false); // shutting down
        }
      }
    };
  }

  /** How often deadlines are checked: a quarter of the deadline, within [50 ms, 1 s]. */
  static Duration tickPeriod(Duration deadline) {
    Duration quarter = deadline.dividedBy(4);
    if (quarter.compareTo(Duration.ofMillis(50)) < 0) {
      return Duration.ofMillis(50);
    }
    return min(quarter, Duration.ofSeconds(1));
  }

  private static Duration janitorPeriod(Duration timeToIdle) {
    Duration quarter = timeToIdle.dividedBy(4);
    if (timeToIdle.isZero() || quarter.compareTo(JANITOR_PERIOD) >= 0) {
      return JANITOR_PERIOD;
    }
    return quarter.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : quarter;
  }

  static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
