package io.layerswarm.agent.admin;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.layerswarm.agent.http.DrainHooks;
import io.layerswarm.core.Digest;
import io.layerswarm.proto.admin.AgentDrainProgress;
import io.layerswarm.proto.admin.AgentDrainProgress.State;
import io.layerswarm.swarm.Torrent;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Taking the agent out of service without breaking pulls. Until {@link #start}, it only counts the
 * registry API responses in progress (and which blobs they read), through the drain gate that the
 * registry API's pipeline puts in front of the handlers that answer ({@link DrainHooks}). After
 * {@link #start}:
 *
 * <ul>
 *   <li>every new registry API request is answered 503, OCI code {@code UNAVAILABLE}, with {@code
 *       Retry-After}, so the client retries or falls back to its next mirror or the origin;
 *   <li>responses in progress finish, and the torrents keep seeding;
 *   <li>once a second it samples the torrents' upload counters; when no response is in progress and
 *       nothing was uploaded for the grace period, the drain is {@link Outcome#DRAINED}; when the
 *       timeout passes first, {@link Outcome#TIMED_OUT}.
 * </ul>
 *
 * <p>Listeners get a progress message at once, then one per sample, and a final one. {@link
 * #finished} completes shortly after the final message went out (so the admin API can deliver it);
 * the launcher exits the process then. There is no way back from a drain except a restart.
 *
 * <p>Threads: the gate calls in from Netty event loops; listeners are called on the drain's timer
 * thread only. Thread-safe.
 */
public final class Drain implements DrainHooks, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Drain.class);

  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
  public static final Duration MAX_GRACE = Duration.ofHours(1);
  public static final Duration MAX_TIMEOUT = Duration.ofDays(1);

  static final Duration SAMPLE_PERIOD = Duration.ofSeconds(1);

  /** Between the final message and {@link #finished}: time for the admin API to send it. */
  static final Duration FINISH_DELAY = Duration.ofMillis(300);

  /** How a drain ended. */
  public enum Outcome {
    /** Quiet for the grace period. */
    DRAINED,
    /** The timeout passed while uploads or responses went on. */
    TIMED_OUT
  }

  private final Supplier<Collection<Torrent>> torrents;
  private final InstantSource clock;

  /** Null in tests that call {@link #sample} themselves. */
  private final Duration samplePeriod;

  // Counted by the gates, on event loops.
  private final AtomicInteger responses = new AtomicInteger();
  private final Map<Digest, Integer> reads = new ConcurrentHashMap<>();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicReference<Instant> lastResponseEnd = new AtomicReference<>();
  private volatile boolean draining;

  private final CompletableFuture<Outcome> finished = new CompletableFuture<>();

  // Guarded by this.
  private ScheduledExecutorService timer;
  private Executor events = Runnable::run;
  private Instant startedAt;
  private Duration grace;
  private Duration timeout;
  private Instant lastActivity;
  private long uploadedSinceStart;
  private final Map<Torrent, Long> lastUploads = new IdentityHashMap<>();
  private final List<Consumer<AgentDrainProgress>> listeners = new ArrayList<>();
  private AgentDrainProgress last;
  private boolean closed;

  /** A drain that samples once a second on its own thread, started by {@link #start}. */
  public Drain(Supplier<Collection<Torrent>> torrents) {
    this(torrents, InstantSource.system(), SAMPLE_PERIOD);
  }

  /**
   * @param clock the time the grace period and the timeout are measured with
   * @param samplePeriod null: no timer; the caller calls {@link #sample} (tests)
   */
  Drain(Supplier<Collection<Torrent>> torrents, InstantSource clock, Duration samplePeriod) {
    this.torrents = Objects.requireNonNull(torrents, "torrents");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.samplePeriod = samplePeriod;
  }

  /** True once {@link #start} was called: new registry requests are refused. */
  @Override
  public boolean draining() {
    return draining;
  }

  /** Registry API responses in progress (being answered or sent). */
  public int responsesInFlight() {
    return responses.get();
  }

  /** Responses in progress that read {@code digest}'s blob (GET /v2/.../blobs/{digest}). */
  public int readers(Digest digest) {
    return reads.getOrDefault(digest, 0);
  }

  /**
   * Completes shortly after the drain ended and its final message went to the listeners. Never
   * completes if the drain is not started or the agent closes first.
   */
  public CompletableFuture<Outcome> finished() {
    return finished.copy();
  }

  /**
   * Starts draining, or does nothing when a drain is in progress or over (the first settings stay).
   *
   * @param grace quiet time that ends the drain, 0 to {@link #MAX_GRACE}
   * @param timeout longest drain, above 0 and up to {@link #MAX_TIMEOUT}
   * @return true if this call started the drain
   * @throws IllegalArgumentException naming the setting that is out of range
   */
  public boolean start(Duration grace, Duration timeout) {
    if (grace.isNegative() || grace.compareTo(MAX_GRACE) > 0) {
      throw new IllegalArgumentException(
          "grace must be from 0 to " + MAX_GRACE.toMinutes() + " min: " + grace.toMillis() + " ms");
    }
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException(
          "timeout must be from 1 ms to "
              + MAX_TIMEOUT.toHours()
              + " h: "
              + timeout.toMillis()
              + " ms");
    }
    synchronized (this) {
      if (draining || closed) {
        return false;
      }
      Instant now = clock.instant();
      this.grace = grace;
      this.timeout = timeout;
      startedAt = now;
      lastActivity = now;
      int peers = 0;
      for (Torrent torrent : torrents.get()) {
        lastUploads.put(torrent, torrent.uploadedBytes());
        peers += torrent.connectedPeers();
      }
      last = progress(State.DRAINING, now, 0, peers);
      draining = true;
      if (samplePeriod != null) {
        timer =
            Executors.newSingleThreadScheduledExecutor(
                new ThreadFactoryBuilder().setNameFormat("agent-drain").setDaemon(true).build());
        events = timer;
        long period = samplePeriod.toNanos();
        timer.scheduleAtFixedRate(this::sampleSafely, period, period, TimeUnit.NANOSECONDS);
      }
    }
    log.info(
        "draining: refusing new registry requests (503, Retry-After {}), exiting after {} ms"
            + " without uploads or responses, at most after {} ms",
        RETRY_AFTER_SECONDS,
        grace.toMillis(),
        timeout.toMillis());
    return true;
  }

  /**
   * Sends {@code listener} the current progress, then each sample's, up to and including the final
   * one, on the drain's thread. A listener that throws is dropped.
   *
   * @throws IllegalStateException if the drain has not started
   */
  public void subscribe(Consumer<AgentDrainProgress> listener) {
    Executor executor;
    synchronized (this) {
      if (!draining) {
        throw new IllegalStateException("not draining");
      }
      executor = events;
    }
    Runnable first =
        () -> {
          synchronized (this) {
            if (!deliver(listener, last)) {
              return;
            }
            if (last.getState() == State.DRAINING && !closed) {
              listeners.add(listener);
            }
          }
        };
    try {
      executor.execute(first);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      first.run(); // the drain is over and its thread gone: only the final message is left
    }
  }

  public synchronized void unsubscribe(Consumer<AgentDrainProgress> listener) {
    listeners.remove(listener);
  }

  private void sampleSafely() {
    try {
      sample();
    } catch (RuntimeException e) {
      log.error("sampling the drain failed", e);
    }
  }

  /** One sample: counts uploads and responses, decides, and tells the listeners. */
  synchronized void sample() {
    if (!draining || last.getState() != State.DRAINING || closed) {
      return;
    }
    Instant now = clock.instant();
    int uploading = 0;
    int peers = 0;
    Map<Torrent, Long> seen = new IdentityHashMap<>();
    for (Torrent torrent : torrents.get()) {
      long uploaded = torrent.uploadedBytes();
      // A torrent added since the last sample (a finished download now seeding) starts at 0.
      long delta = uploaded - lastUploads.getOrDefault(torrent, 0L);
      if (delta > 0) {
        uploading++;
        uploadedSinceStart += delta;
      }
      seen.put(torrent, uploaded);
      peers += torrent.connectedPeers();
    }
    lastUploads.clear();
    lastUploads.putAll(seen);
    int inFlight = responses.get();
    if (uploading > 0 || inFlight > 0) {
      lastActivity = now;
    }
    Instant ended = lastResponseEnd.get();
    if (ended != null && ended.isAfter(lastActivity)) {
      lastActivity = ended;
    }
    State state = State.DRAINING;
    if (inFlight == 0 && uploading == 0 && !quiet(now).minus(grace).isNegative()) {
      state = State.DRAINED;
    } else if (!Duration.between(startedAt, now).minus(timeout).isNegative()) {
      state = State.TIMED_OUT;
    }
    last = progress(state, now, uploading, peers);
    for (Consumer<AgentDrainProgress> listener : List.copyOf(listeners)) {
      if (!deliver(listener, last)) {
        listeners.remove(listener);
      }
    }
    if (state != State.DRAINING) {
      listeners.clear();
      finish(state == State.DRAINED ? Outcome.DRAINED : Outcome.TIMED_OUT);
    }
  }

  private void finish(Outcome outcome) {
    log.info(
        "drain {} after {} ms: {} client responses in progress, {} bytes uploaded to peers"
            + " during the drain, {} requests refused",
        outcome == Outcome.DRAINED ? "done" : "timed out",
        last.getElapsedMillis(),
        last.getClientResponses(),
        last.getUploadedBytes(),
        last.getRefusedRequests());
    if (timer == null) {
      finished.complete(outcome);
      return;
    }
    timer.schedule(
        () -> {
          finished.complete(outcome);
          timer.shutdown();
        },
        FINISH_DELAY.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private static boolean deliver(
      Consumer<AgentDrainProgress> listener, AgentDrainProgress progress) {
    try {
      listener.accept(progress);
      return true;
    } catch (RuntimeException e) {
      log.debug("dropping a drain listener: {}", e.toString());
      return false;
    }
  }

  /** Time since the last upload or response, never negative (a clock may step back). */
  private Duration quiet(Instant now) {
    Duration quiet = Duration.between(lastActivity, now);
    return quiet.isNegative() ? Duration.ZERO : quiet;
  }

  private AgentDrainProgress progress(State state, Instant now, int uploading, int peers) {
    return AgentDrainProgress.newBuilder()
        .setState(state)
        .setElapsedMillis(Duration.between(startedAt, now).toMillis())
        .setClientResponses(responses.get())
        .setUploadingTorrents(uploading)
        .setConnectedPeers(peers)
        .setUploadedBytes(uploadedSinceStart)
        .setQuietMillis(quiet(now).toMillis())
        .setGraceMillis(grace.toMillis())
        .setTimeoutMillis(timeout.toMillis())
        .setRefusedRequests(refused.get())
        .build();
  }

  // Called by the gates, on event loops.

  @Override
  public void responseStarted(Optional<Digest> blob) {
    responses.incrementAndGet();
    blob.ifPresent(d -> reads.merge(d, 1, Integer::sum));
  }

  @Override
  public void responseEnded(Optional<Digest> blob) {
    blob.ifPresent(d -> reads.computeIfPresent(d, (k, n) -> n <= 1 ? null : n - 1));
    lastResponseEnd.set(clock.instant());
    responses.decrementAndGet();
  }

  @Override
  public void refused() {
    refused.incrementAndGet();
  }

  /** Stops sampling; a drain in progress never finishes. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    listeners.clear();
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
