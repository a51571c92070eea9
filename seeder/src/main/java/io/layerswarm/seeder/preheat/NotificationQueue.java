package io.layerswarm.seeder.preheat;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RegistryHost;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.registry.image.ImageReference;
import io.layerswarm.registry.notify.NotificationEnvelope;
import io.layerswarm.registry.notify.NotificationEvent;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns registry notifications into preheats, off the request thread. Every manifest push ({@link
 * NotificationEvent#isManifestPush}) becomes a job to preheat {@code repository@digest} (all
 * platforms) on the upstream whose host the event names: {@code request.host}, else the host of
 * {@code target.url}, else the default upstream. Other events are ignored.
 *
 * <p>The queue is bounded: beyond {@code capacity} waiting jobs, new ones are dropped (a registry
 * retries a failed delivery and would block its queue behind us; a missed preheat only costs the
 * first pull an origin fetch). A job equal to one that is waiting or running is coalesced into it.
 * Jobs run one at a time on the {@code worker} executor; each blob's fetch runs on the preheat
 * service's blob executor.
 *
 * <p>Thread-safe; {@link #accept} never blocks.
 */
public final class NotificationQueue {
  private static final Logger log = LoggerFactory.getLogger(NotificationQueue.class);

  /** Told what happened to each event; for metrics. */
  @FunctionalInterface
  public interface Listener {
    /**
     * @param result queued, coalesced, dropped or ignored
     */
    void event(String result);
  }

  /** What {@link #accept} did with an envelope's events. */
  public record Accepted(int queued, int coalesced, int dropped, int ignored) {}

  /** A preheat to run: one image by digest on one upstream. */
  record Job(RegistryHost registry, RepositoryName repository, Digest digest) {
    ImageReference image() {
      return new ImageReference(
          Optional.of(registry), repository, Optional.empty(), Optional.of(digest));
    }
  }

  private final PreheatService preheat;
  private final Upstreams upstreams;
  private final Executor worker;
  private final int capacity;
  private final Listener listener;
  private final ArrayDeque<Job> waiting = new ArrayDeque<>(); // guarded by this
  private final Set<Job> known = new HashSet<>(); // waiting or running; guarded by this
  private boolean draining; // guarded by this

  /**
   * @param worker runs the drain loop; one task at a time is given to it
   * @param capacity jobs that may wait, at least 1
   */
  public NotificationQueue(
      PreheatService preheat,
      Upstreams upstreams,
      Executor worker,
      int capacity,
      Listener listener) {
    if (capacity < 1) {
      throw new IllegalArgumentException("notification queue capacity must be >= 1: " + capacity);
    }
    this.preheat = Objects.requireNonNull(preheat, "preheat");
    this.upstreams = Objects.requireNonNull(upstreams, "upstreams");
    this.worker = Objects.requireNonNull(worker, "worker");
    this.capacity = capacity;
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** Queues the envelope's manifest pushes and returns at once. */
  public Accepted accept(NotificationEnvelope envelope) {
    int queued = 0;
    int coalesced = 0;
    int dropped = 0;
    int ignored = 0;
    boolean startDrain = false;
    for (NotificationEvent event : envelope.events()) {
      if (!event.isManifestPush()) {
        ignored++;
        listener.event("ignored");
        continue;
      }
      Job job =
          new Job(
              upstreamFor(event), event.repository().orElseThrow(), event.digest().orElseThrow());
      String result;
      synchronized (this) {
        if (known.contains(job)) {
          result = "coalesced";
        } else if (waiting.size() >= capacity) {
          result = "dropped";
        } else {
          waiting.add(job);
          known.add(job);
          result = "queued";
          if (!draining) {
            draining = true;
            startDrain = true;
          }
        }
      }
      switch (result) {
        case "queued" -> queued++;
        case "coalesced" -> coalesced++;
        default -> {
          dropped++;
          log.warn(
              "notification queue full ({} waiting): not preheating {}", capacity, job.image());
        }
      }
      listener.event(result);
    }
    if (startDrain) {
      try {
        worker.execute(this::drain);
      } catch (RejectedExecutionException e) {
        synchronized (this) {
          draining = false;
        }
        log.warn("not preheating notified images: the seeder is shutting down");
      }
    }
    return new Accepted(queued, coalesced, dropped, ignored);
  }

  /** Jobs waiting, not counting the one running. */
  public synchronized int waiting() {
    return waiting.size();
  }

  private RegistryHost upstreamFor(NotificationEvent event) {
    for (Optional<String> host : java.util.List.of(event.requestHost(), event.urlHost())) {
      if (host.isPresent() && upstreams.forHost(host.get()).isPresent()) {
        return RegistryHost.of(host.get());
      }
    }
    return RegistryHost.of(upstreams.defaultHost());
  }

  /** Runs on the worker: jobs until none is waiting. */
  private void drain() {
    while (true) {
      Job job;
      synchronized (this) {
        job = waiting.poll();
        if (job == null) {
          draining = false;
          return;
        }
      }
      try {
        run(job);
      } catch (RuntimeException e) {
        log.error("preheat of notified {} failed unexpectedly", job.image(), e);
      } finally {
        synchronized (this) {
          known.remove(job);
        }
      }
    }
  }

  private void run(Job job) {
    ImageReference image = job.image();
    String label = image.toString();
    log.info("preheating {} after a registry push", label);
    preheat.preheat(
        label,
        image,
        Optional.empty(),
        event -> {
          if (event.state() == PreheatEvent.State.COMPLETE) {
            log.info("preheated {}: {}", label, event.message());
          } else if (event.state() == PreheatEvent.State.FAILED) {
            log.warn("preheat of {} failed: {}", label, event.message());
          }
        });
  }
}
