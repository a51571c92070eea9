package io.layerswarm.tracker.admin;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.layerswarm.proto.admin.FleetAgentProgress;
import io.layerswarm.proto.admin.FleetPreheatProgress;
import io.layerswarm.proto.admin.FleetPreheatRequest;
import io.layerswarm.tracker.fleet.AgentTask;
import io.layerswarm.tracker.fleet.Fleet;
import io.layerswarm.tracker.fleet.FleetAgentId;
import io.layerswarm.tracker.fleet.FleetJob;
import io.layerswarm.tracker.fleet.FleetJobId;
import io.layerswarm.tracker.fleet.FleetRefusedException;
import io.layerswarm.tracker.fleet.FleetSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code FleetPreheat} call: creates the job in the {@link Fleet}, then looks at it every
 * {@link #TICK} on one timer thread and streams what changed, until every agent ended; a client
 * that leaves cancels the job (no agent is handed it any more). At most {@link
 * io.layerswarm.tracker.fleet.FleetStore#MAX_ACTIVE_JOBS} calls stream at once, as each makes a
 * job. Thread-safe.
 */
public final class FleetPreheats implements AutoCloseable {
  static final Duration TICK = Duration.ofMillis(500);

  /** Without a change, a message this often anyway: the client sees the tracker is there. */
  static final Duration HEARTBEAT = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(FleetPreheats.class);

  private final Fleet fleet;
  private final InstantSource clock;
  private final ScheduledExecutorService timer;

  public FleetPreheats(Fleet fleet, InstantSource clock) {
    this.fleet = fleet;
    this.clock = clock;
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread thread = new Thread(r, "tracker-fleet");
              thread.setDaemon(true);
              return thread;
            });
    t.setRemoveOnCancelPolicy(true);
    this.timer = t;
  }

  /** Checks the request, makes the job and starts streaming; errors end the call at once. */
  void run(FleetPreheatRequest request, StreamObserver<FleetPreheatProgress> responses) {
    FleetSpec spec;
    try {
      spec = spec(request);
    } catch (IllegalArgumentException e) {
      responses.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException());
      return;
    }
    FleetJob job;
    try {
      job = fleet.start(spec);
    } catch (FleetRefusedException e) {
      responses.onError(
          (e.busy() ? Status.RESOURCE_EXHAUSTED : Status.FAILED_PRECONDITION)
              .withDescription(e.getMessage())
              .asException());
      return;
    }
    Stream stream = new Stream(job.id(), responses, clock.instant());
    if (responses instanceof ServerCallStreamObserver<FleetPreheatProgress> call) {
      call.setOnCancelHandler(stream::cancelled);
    }
    stream.future =
        timer.scheduleWithFixedDelay(stream::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
  }

  static FleetSpec spec(FleetPreheatRequest r) {
    return new FleetSpec(
        r.getImage(),
        optional(r.getPlatform()),
        optional(r.getZone()),
        optional(r.getRack()),
        r.getMaxParallel() == 0 ? FleetSpec.DEFAULT_MAX_PARALLEL : r.getMaxParallel(),
        r.getTimeoutMillis() == 0
            ? FleetSpec.DEFAULT_TIMEOUT
            : Duration.ofMillis(Math.max(-1, r.getTimeoutMillis())));
  }

  private static Optional<String> optional(String s) {
    return s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  /** One call's stream; {@link #tick} runs on the timer thread only. */
  private final class Stream {
    private final FleetJobId id;
    private final StreamObserver<FleetPreheatProgress> responses;
    private final Instant started;
    private final Map<FleetAgentId, AgentTask> sent = new HashMap<>();
    private volatile ScheduledFuture<?> future;
    private volatile boolean cancelled;
    private Instant lastSent = Instant.MIN;
    private boolean done;

    Stream(FleetJobId id, StreamObserver<FleetPreheatProgress> responses, Instant started) {
      this.id = id;
      this.responses = responses;
      this.started = started;
    }

    /** The client left (gRPC's thread): no more agents are handed the job. */
    void cancelled() {
      cancelled = true;
      stop();
      fleet.cancel(id, "cancelled: the preheat command left");
    }

    void tick() {
      if (done || cancelled) {
        stop();
        return;
      }
      try {
        Optional<FleetJob> job = fleet.job(id);
        if (job.isEmpty()) {
          finish(Status.INTERNAL.withDescription("fleet job " + id + " was forgotten"));
          return;
        }
        Instant now = clock.instant();
        FleetPreheatProgress.Builder message = message(job.get(), now);
        boolean ended = job.get().ended();
        if (message.getAgentsCount() > 0 || ended || !now.isBefore(lastSent.plus(HEARTBEAT))) {
          responses.onNext(message.build());
          lastSent = now;
        }
        if (ended) {
          done = true;
          responses.onCompleted();
          stop();
        }
      } catch (RuntimeException e) {
        log.warn("fleet job {}: streaming progress failed: {}", id, e.toString());
        finish(Status.INTERNAL.withDescription("streaming progress failed: " + e.getMessage()));
      }
    }

    private void finish(Status status) {
      done = true;
      try {
        responses.onError(status.asException());
      } catch (RuntimeException e) {
        log.debug("fleet job {}: the call had ended: {}", id, e.toString());
      }
      stop();
    }

    private void stop() {
      ScheduledFuture<?> f = future;
      if (f != null) {
        f.cancel(false);
      }
    }

    /** The totals, and the agents whose task differs from what was sent. */
    private FleetPreheatProgress.Builder message(FleetJob job, Instant now) {
      FleetJob.Totals totals = job.totals();
      FleetPreheatProgress.Builder message =
          FleetPreheatProgress.newBuilder()
              .setJobId(id.value())
              .setImage(job.spec().image())
              .setTotalAgents(totals.agents())
              .setWaiting(totals.waiting())
              .setRunning(totals.running())
              .setDone(totals.done())
              .setFailed(totals.failed())
              .setBytesLocal(totals.bytesLocal())
              .setBytesTotal(totals.bytesTotal())
              .setEnded(job.ended())
              .setElapsedMillis(Duration.between(started, now).toMillis());
      for (AgentTask task : job.tasks().values()) {
        if (!task.equals(sent.get(task.agent()))) {
          sent.put(task.agent(), task);
          message.addAgents(agent(task));
        }
      }
      return message;
    }
  }

  static FleetAgentProgress agent(AgentTask task) {
    return FleetAgentProgress.newBuilder()
        .setAgent(task.agent().toString())
        .setZone(task.location().zone().orElse(""))
        .setRack(task.location().rack().orElse(""))
        .setState(task.state().name().toLowerCase(Locale.ROOT))
        .setAttempts(task.attempts())
        .setBlobsLocal(task.blobsLocal())
        .setBlobsTotal(task.blobsTotal())
        .setBytesLocal(task.bytesLocal())
        .setBytesTotal(task.bytesTotal())
        .setError(task.error().orElse(""))
        .build();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
