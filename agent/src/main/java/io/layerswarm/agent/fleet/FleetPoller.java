package io.layerswarm.agent.fleet;

import io.layerswarm.agent.fleet.FleetPoll.Order;
import io.layerswarm.agent.fleet.FleetPoll.Report;
import io.layerswarm.agent.mirror.TrackerMetainfoSource;
import io.layerswarm.agent.pins.Pin;
import io.layerswarm.agent.pins.PinSource;
import io.layerswarm.agent.pins.PinState;
import io.layerswarm.agent.pins.Pinner;
import io.layerswarm.agent.pins.PinsConfig;
import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.auth.HttpSignature;
import io.layerswarm.core.auth.LogSafe;
import io.layerswarm.core.bencode.BencodeException;
import io.layerswarm.core.topology.Location;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the trackers for fleet preheats and runs them, one at a time. While idle it polls every
 * tracker each {@code interval} (each replica holds the jobs an admin made there); handed a job, it
 * fetches the image as a one-shot pin (its own {@link Pinner}, so nothing stays pinned) and reports
 * to that tracker every {@link #REPORT_EVERY} until the fetch ended, then once more with the
 * outcome. A tracker that stops answering for {@link #GIVE_UP} loses the report (the fetch goes on;
 * the tracker's lease runs out).
 *
 * <p>Threads: one timer thread owns the state and does the (bounded, blocking) HTTP calls; the
 * fetch waits on a second thread of its own.
 */
public final class FleetPoller implements AutoCloseable {
  static final Duration TICK = Duration.ofSeconds(1);
  static final Duration REPORT_EVERY = Duration.ofSeconds(2);
  static final Duration GIVE_UP = Duration.ofMinutes(2);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final Logger log = LoggerFactory.getLogger(FleetPoller.class);

  private final List<URI> trackers;
  private final Duration interval;
  private final int peerPort;
  private final Location location;
  private final HttpAuth auth;
  private final PinSource source;
  private final InstantSource clock;
  private final String userAgent;
  private final HttpClient http;
  private final ScheduledExecutorService timer;
  private final ExecutorService fetches;

  /** Trackers whose last exchange failed, so a failure is logged once, not every poll. */
  private final Set<URI> failing = new HashSet<>();

  private Running running;
  private Instant nextPoll = Instant.MIN;

  /** The job being fetched, the tracker that handed it out, and when that tracker last answered. */
  private static final class Running {
    final Order order;
    final URI tracker;
    final Pinner pinner;
    Instant nextReport;
    Instant lastAnswer;

    Running(Order order, URI tracker, Pinner pinner, Instant now) {
      this.order = order;
      this.tracker = tracker;
      this.pinner = pinner;
      this.nextReport = now.plus(REPORT_EVERY);
      this.lastAnswer = now;
    }
  }

  /** Not started: {@link #start} schedules {@link #tick}; tests call it with their own times. */
  FleetPoller(
      List<URI> trackers,
      Duration interval,
      int peerPort,
      Location location,
      HttpAuth auth,
      PinSource source,
      InstantSource clock,
      String userAgent) {
    this.trackers = List.copyOf(trackers);
    this.interval = interval;
    this.peerPort = peerPort;
    this.location = location;
    this.auth = auth;
    this.source = source;
    this.clock = clock;
    this.userAgent = userAgent;
    this.http = TrackerMetainfoSource.httpClient(Duration.ofSeconds(5));
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "agent-fleet"));
    this.fetches = Executors.newSingleThreadExecutor(r -> daemon(r, "agent-fleet-fetch"));
  }

  /**
   * Starts polling {@code trackers} (base URLs) at once and then every {@code interval}.
   *
   * @param peerPort the agent's BitTorrent port: with the address, how the tracker tells agents
   *     apart
   * @param source where images come from: the agent's mirror, the pins' path
   */
  public static FleetPoller start(
      List<URI> trackers,
      Duration interval,
      int peerPort,
      Location location,
      HttpAuth auth,
      PinSource source,
      InstantSource clock,
      String userAgent) {
    Objects.requireNonNull(interval, "interval");
    if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("agent.fleet-poll must be at least 1s: " + interval);
    }
    FleetPoller poller =
        new FleetPoller(trackers, interval, peerPort, location, auth, source, clock, userAgent);
    poller.timer.scheduleWithFixedDelay(
        poller::safeTick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    log.info(
        "agent polls {} tracker(s) for fleet preheats every {} s",
        trackers.size(),
        interval.toSeconds());
    return poller;
  }

  private void safeTick() {
    try {
      tick(clock.instant());
    } catch (RuntimeException e) {
      log.warn("fleet: {}", e.toString());
    }
  }

  /** One step: report on the running job when due, else poll when due. Timer thread only. */
  void tick(Instant now) {
    if (running != null) {
      if (!now.isBefore(running.nextReport)) {
        report(running, now);
      }
      return;
    }
    if (now.isBefore(nextPoll)) {
      return;
    }
    nextPoll = now.plus(interval);
    for (URI tracker : trackers) {
      Optional<Optional<Order>> answer = exchange(tracker, Optional.empty());
      if (answer.isPresent() && answer.get().isPresent()) {
        begin(answer.get().get(), tracker, now);
        return;
      }
    }
  }

  private void report(Running job, Instant now) {
    job.nextReport = now.plus(REPORT_EVERY);
    PinState state = job.pinner.states().get(0);
    boolean ended = state.checkedAt().isPresent();
    Report report = Report.of(job.order.job(), state, ended);
    Optional<Optional<Order>> answer = exchange(job.tracker, Optional.of(report));
    if (answer.isEmpty()) {
      if (now.isAfter(job.lastAnswer.plus(GIVE_UP))) {
        log.warn(
            "fleet job {}: {} did not answer for {} s; its report is dropped",
            job.order.job(),
            LogSafe.uri(job.tracker),
            GIVE_UP.toSeconds());
        running = null;
      }
      return;
    }
    job.lastAnswer = now;
    Optional<Order> next = answer.get();
    if (ended) {
      log.info(
          "fleet job {}: {} {}{}",
          job.order.job(),
          job.order.image(),
          report.state() == FleetPoll.State.DONE ? "is local" : "failed",
          report.error().map(e -> ": " + e).orElse(""));
      running = null;
      nextPoll = now.plus(interval);
      next.ifPresent(order -> begin(order, job.tracker, now));
    } else if (next.isEmpty() || !next.get().job().equals(job.order.job())) {
      // The tracker took it back (deadline, cancel, a lost lease): the fetch ends on its own.
      log.info("fleet job {}: the tracker no longer hands it to this agent", job.order.job());
      running = null;
      next.ifPresent(order -> begin(order, job.tracker, now));
    }
  }

  private void begin(Order order, URI tracker, Instant now) {
    Pin pin;
    try {
      pin = Pin.parse(order.image(), order.platform(), Pin.hostPlatform());
    } catch (IllegalArgumentException e) {
      exchange(tracker, Optional.of(Report.failed(order.job(), e.getMessage())));
      return;
    }
    Pinner pinner =
        new Pinner(
            source, new PinsConfig(List.of(pin), PinsConfig.DEFAULT_REFRESH), clock, fetches);
    log.info("fleet job {}: fetching {} through the swarm", order.job(), pin);
    running = new Running(order, tracker, pinner, now);
    pinner.refreshNow();
  }

  /**
   * One signed poll of {@code tracker}: the job in its answer (or none), or empty when it did not
   * answer with 200 and a good body.
   */
  private Optional<Optional<Order>> exchange(URI tracker, Optional<Report> report) {
    URI uri = FleetPoll.uri(tracker, peerPort, interval, location, report);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("User-Agent", userAgent).GET();
    auth.sign("GET", uri).ifPresent(s -> request.header(HttpSignature.HEADER, s));
    String problem;
    try {
      HttpResponse<byte[]> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() == 200) {
        Optional<Order> order = FleetPoll.order(response.body());
        if (failing.remove(tracker)) {
          log.info("fleet: {} answers again", LogSafe.uri(tracker));
        }
        return Optional.of(order);
      }
      problem = "HTTP " + response.statusCode() + " " + failureReason(response.body());
    } catch (BencodeException e) {
      problem = "a bad answer: " + e.getMessage();
    } catch (IOException e) {
      problem = e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
    if (failing.add(tracker)) {
      log.warn("fleet: polling {} failed: {}", LogSafe.uri(tracker), problem);
    }
    return Optional.empty();
  }

  /** The job being fetched, if any; for tests. */
  Optional<String> runningJob() {
    return running == null ? Optional.empty() : Optional.of(running.order.job());
  }

  /** Whether the running job's fetch ended (its outcome not reported yet); for tests. */
  boolean fetchEnded() {
    return running != null && running.pinner.states().get(0).checkedAt().isPresent();
  }

  private static String failureReason(byte[] body) {
    try {
      Optional<String> reason =
          io.layerswarm.core.bencode.Bencode.decode(body) instanceof java.util.Map<?, ?> m
                  && m.get("failure reason") instanceof byte[] b
              ? Optional.of(new String(b, java.nio.charset.StandardCharsets.UTF_8))
              : Optional.empty();
      return reason.map(FleetPoll::printable).orElse("");
    } catch (BencodeException e) {
      return "";
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread thread = new Thread(r, name);
    thread.setDaemon(true);
    return thread;
  }

  /** Stops polling and abandons a fetch in progress. */
  @Override
  public void close() {
    timer.shutdownNow();
    fetches.shutdownNow();
  }
}
