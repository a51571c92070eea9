package io.layerswarm.seeder;

import io.layerswarm.core.health.Liveness;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seeder's worker threads, each pool with its bound: the control endpoint's blocking lookups,
 * preheats, notified images and Harbor's preheat jobs. A full queue refuses work (503) rather than
 * grow.
 */
final class SeederPools {
  // The server's logger, as before the pools had a class of their own.
  private static final Logger log = LoggerFactory.getLogger(SeederServer.class);

  /** Threads that run blocking metainfo lookups (origin fetches, hashing) and metrics scrapes. */
  static final int LOOKUP_THREADS = 8;

  /** Lookups waiting for a thread; beyond this the endpoint answers 503. */
  static final int LOOKUP_QUEUE = 64;

  /** Blobs preheated at once, over all preheats. */
  static final int PREHEAT_THREADS = 4;

  /** Harbor's preheat jobs run at once; each preheats its blobs on the preheat pool. */
  static final int HARBOR_JOB_THREADS = 2;

  /** Harbor's preheat jobs waiting; beyond this a new job is answered 503 with Retry-After. */
  static final int HARBOR_JOB_QUEUE = 32;

  final ThreadPoolExecutor lookups;
  final ExecutorService preheatBlobs;
  final ExecutorService notified;
  final ThreadPoolExecutor harborJobs;

  private SeederPools(
      ThreadPoolExecutor lookups,
      ExecutorService preheatBlobs,
      ExecutorService notified,
      ThreadPoolExecutor harborJobs) {
    this.lookups = lookups;
    this.preheatBlobs = preheatBlobs;
    this.notified = notified;
    this.harborJobs = harborJobs;
  }

  /** Starts the pools; each is added to {@code parts}, which shuts it down on close. */
  static SeederPools start(List<AutoCloseable> parts) {
    ThreadPoolExecutor lookups = bounded(LOOKUP_THREADS, LOOKUP_QUEUE, "seeder-lookup");
    parts.add(() -> shutdown(lookups, "metainfo lookups"));
    ExecutorService preheatBlobs =
        Executors.newFixedThreadPool(
            PREHEAT_THREADS, new DefaultThreadFactory("seeder-preheat", true));
    parts.add(() -> shutdown(preheatBlobs, "preheats"));
    ExecutorService notified =
        Executors.newSingleThreadExecutor(new DefaultThreadFactory("seeder-notified", true));
    parts.add(() -> shutdown(notified, "notified preheats"));
    ThreadPoolExecutor harborJobs =
        bounded(HARBOR_JOB_THREADS, HARBOR_JOB_QUEUE, "seeder-harbor-job");
    parts.add(() -> shutdown(harborJobs, "preheat jobs"));
    return new SeederPools(lookups, preheatBlobs, notified, harborJobs);
  }

  /** The one thread of eviction sweeps, ring health checks and heartbeats. */
  static ScheduledExecutorService maintenance() {
    ScheduledThreadPoolExecutor scheduler =
        new ScheduledThreadPoolExecutor(1, new DefaultThreadFactory("seeder-maintenance", true));
    scheduler.setRemoveOnCancelPolicy(true);
    return scheduler;
  }

  /** {@code liveness} watching these pools too. */
  Liveness watchedBy(Liveness liveness) {
    return liveness
        .pool("seeder-lookup", lookups)
        .pool("seeder-preheat", preheatBlobs)
        .pool("seeder-notified", notified)
        .pool("seeder-harbor-job", harborJobs);
  }

  private static ThreadPoolExecutor bounded(int threads, int queue, String name) {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(queue),
            new DefaultThreadFactory(name, true),
            new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private static void shutdown(ExecutorService executor, String what) {
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("{} still running after 5 s; going on", what);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
