package io.layerswarm.swarm.tracker;

import io.layerswarm.core.auth.LogSafe;
import io.layerswarm.swarm.log.LogKeys;
import io.layerswarm.swarm.loop.Loop;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one torrent announced: "started" at {@link #start}, regular re-announces at the tracker's
 * interval (never below its min interval), "completed" once, and "stopped" at {@link #stop}. The
 * announce URLs are tried in order on failure, starting from the one that answered last; when all
 * fail, it retries with a growing backoff. Torrents have independent announcers, so announces run
 * concurrently.
 *
 * <p>Owned by the torrent's event loop ({@code loop}): every method must be called there, and every
 * callback runs there.
 */
public final class Announcer {
  private static final Logger log = LoggerFactory.getLogger(Announcer.class);
  static final Duration FIRST_RETRY = Duration.ofSeconds(5);

  /** Least time between announces made because the torrent has no peers. */
  static final Duration HUNGRY_INTERVAL = Duration.ofSeconds(5);

  private final List<URI> trackers;
  private final TrackerClient client;
  private final Loop loop;
  private final Function<AnnounceEvent, AnnounceRequest> request;
  private final Consumer<List<InetSocketAddress>> peers;
  private final Duration defaultInterval;
  private int current;
  private Optional<String> trackerId = Optional.empty();
  private Loop.Timer next;
  private Duration backoff = FIRST_RETRY;
  private boolean inFlight;
  private AnnounceEvent pendingEvent = AnnounceEvent.NONE;
  private boolean stopped;
  private boolean announcedStart;
  private final CompletableFuture<Boolean> started = new CompletableFuture<>();
  private final CompletableFuture<Optional<String>> unusable = new CompletableFuture<>();

  /** Why each tracker failed in the round under way while every one was unusable, else null. */
  private List<String> unusableInRound;

  /** "completed" happened before "started" got through; send it right after. */
  private boolean completedAfterStart;

  private final InstantSource clock;
  private Instant lastAttempt = Instant.MIN;
  private Duration minInterval = HUNGRY_INTERVAL;

  /**
   * @param request builds the request for an event from the torrent's current counters
   * @param peers receives the peers of each successful announce
   * @param defaultInterval the re-announce interval when the tracker gives none
   * @param clock spaces out {@link #requestPeers} announces
   */
  public Announcer(
      List<URI> trackers,
      TrackerClient client,
      Loop loop,
      Function<AnnounceEvent, AnnounceRequest> request,
      Consumer<List<InetSocketAddress>> peers,
      Duration defaultInterval,
      InstantSource clock) {
    this.clock = clock;
    this.trackers = List.copyOf(trackers);
    this.client = client;
    this.loop = loop;
    this.request = request;
    this.peers = peers;
    this.defaultInterval = defaultInterval;
  }

  /** Announces "started" now. */
  public void start() {
    if (trackers.isEmpty()) {
      started.complete(false);
      unusable.complete(Optional.empty());
    }
    announce(AnnounceEvent.STARTED);
  }

  /**
   * The outcome of the first "started" round: true once a tracker accepted it (so it lists this
   * peer); false if every tracker failed it (retries go on), without trackers, or when stopped
   * first. Never fails; completes on the loop.
   */
  public CompletableFuture<Boolean> started() {
    return started;
  }

  /**
   * Whether the trackers are known to be down: completes with why once a round of announces failed
   * with every tracker {@linkplain TrackerException#trackerUnusable() unusable} (peer store
   * unavailable, HTTP 5xx, connection refused) before any tracker accepted an announce; with empty
   * once one accepted, without trackers, or when stopped first. A round with a timeout or another
   * failure says nothing, and the next one is watched. Never fails; completes on the loop.
   */
  public CompletableFuture<Optional<String>> trackersDown() {
    return unusable;
  }

  /** Announces "completed" now (once). */
  public void completed() {
    announce(AnnounceEvent.COMPLETED);
  }

  /**
   * Asks the trackers for peers now, as a regular announce, because the torrent has none; at most
   * once per the tracker's min interval (at least {@link #HUNGRY_INTERVAL}).
   */
  public void requestPeers() {
    if (!inFlight && !clock.instant().isBefore(lastAttempt.plus(minInterval))) {
      announce(AnnounceEvent.NONE);
    }
  }

  /**
   * Stops re-announcing and sends "stopped" to the tracker that answered last, if "started" got
   * through. The future completes when the tracker answered or failed; it never fails.
   */
  public CompletableFuture<Void> stop() {
    if (stopped) {
      return CompletableFuture.completedFuture(null);
    }
    stopped = true;
    started.complete(false);
    unusable.complete(Optional.empty());
    cancelNext();
    if (trackers.isEmpty() || !announcedStart) {
      return CompletableFuture.completedFuture(null);
    }
    return client
        .announce(trackers.get(current), withTrackerId(AnnounceEvent.STOPPED))
        .handle((r, e) -> null);
  }

  private void announce(AnnounceEvent event) {
    if (stopped || trackers.isEmpty()) {
      return;
    }
    // An event outranks a regular announce; "started" is kept until it gets through.
    if (event == AnnounceEvent.COMPLETED && pendingEvent == AnnounceEvent.STARTED) {
      completedAfterStart = true;
    } else if (event != AnnounceEvent.NONE && pendingEvent != AnnounceEvent.STARTED) {
      pendingEvent = event;
    }
    if (inFlight) {
      return; // The answer to the announce in flight schedules the next one.
    }
    cancelNext();
    inFlight = true;
    unusableInRound = new ArrayList<>();
    attempt(pendingEvent, current, 0);
  }

  private void attempt(AnnounceEvent event, int index, int tried) {
    URI tracker = trackers.get(index);
    lastAttempt = clock.instant();
    AnnounceRequest announce = withTrackerId(event);
    client
        .announce(tracker, announce)
        .whenCompleteAsync(
            (response, error) -> {
              if (stopped) {
                inFlight = false;
                return;
              }
              if (error != null) {
                Throwable cause =
                    error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error;
                LogKeys.torrent(log.atDebug(), announce.infoHash())
                    .log(
                        "announce {} to {} failed: {}",
                        event,
                        LogSafe.uri(tracker),
                        LogSafe.text(String.valueOf(cause.getMessage()))); // may quote the tracker
                noteFailure(cause);
                if (tried + 1 < trackers.size()) {
                  attempt(event, (index + 1) % trackers.size(), tried + 1);
                  return;
                }
                inFlight = false;
                if (event == AnnounceEvent.STARTED) {
                  started.complete(false);
                }
                if (unusableInRound != null) {
                  unusable.complete(
                      Optional.of(
                          "every tracker is unusable: " + String.join("; ", unusableInRound)));
                }
                schedule(backoff);
                backoff = min(backoff.multipliedBy(2), defaultInterval);
                return;
              }
              inFlight = false;
              current = index;
              backoff = FIRST_RETRY;
              unusable.complete(Optional.empty());
              response.trackerId().ifPresent(id -> trackerId = Optional.of(id));
              response
                  .warning()
                  .ifPresent(
                      w ->
                          LogKeys.torrent(log.atInfo(), announce.infoHash())
                              .log(
                                  "tracker {} warns: {}",
                                  LogSafe.uri(tracker),
                                  LogSafe.text(w))); // the tracker's text, escaped
              if (event == AnnounceEvent.STARTED) {
                announcedStart = true;
                started.complete(true);
              }
              if (pendingEvent == event) {
                pendingEvent = AnnounceEvent.NONE;
              }
              if (event == AnnounceEvent.STARTED && completedAfterStart) {
                completedAfterStart = false;
                pendingEvent = AnnounceEvent.COMPLETED;
              }
              minInterval =
                  response
                      .minInterval()
                      .filter(m -> m.compareTo(HUNGRY_INTERVAL) > 0)
                      .orElse(HUNGRY_INTERVAL);
              Duration interval = response.interval().orElse(defaultInterval);
              if (response.minInterval().isPresent()
                  && interval.compareTo(response.minInterval().get()) < 0) {
                interval = response.minInterval().get();
              }
              if (pendingEvent != AnnounceEvent.NONE) {
                interval = Duration.ZERO; // An event arrived while this announce was in flight.
              }
              schedule(interval);
              peers.accept(response.peers());
            },
            loop);
  }

  /** Keeps the round's reasons while every failure in it says the tracker cannot serve. */
  private void noteFailure(Throwable cause) {
    if (unusableInRound == null) {
      return;
    }
    if (cause instanceof TrackerException t && t.trackerUnusable()) {
      unusableInRound.add(LogSafe.text(String.valueOf(t.getMessage()))); // may quote the tracker
    } else {
      unusableInRound = null;
    }
  }

  private AnnounceRequest withTrackerId(AnnounceEvent event) {
    AnnounceRequest r = request.apply(event);
    if (trackerId.isEmpty()) {
      return r;
    }
    return new AnnounceRequest(
        r.infoHash(),
        r.peerId(),
        r.port(),
        r.uploaded(),
        r.downloaded(),
        r.left(),
        r.event(),
        r.numWant(),
        r.ip(),
        trackerId,
        r.extra());
  }

  private void schedule(Duration delay) {
    cancelNext();
    next = loop.schedule(() -> announce(AnnounceEvent.NONE), delay);
  }

  private void cancelNext() {
    if (next != null) {
      next.cancel();
      next = null;
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
