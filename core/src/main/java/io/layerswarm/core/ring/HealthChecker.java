package io.layerswarm.core.ring;

import io.layerswarm.core.Digest;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks which members of a {@link SeederRing} are alive, by probing each one periodically (and
 * from failures that callers report), and answers ownership questions with the live members only.
 *
 * <p>Members start alive, so a ring serves before the first round. A member is marked dead after
 * {@code failuresToDead} consecutive failures and alive again after one success; a dead member's
 * digests go to the next member by weight (rendezvous hashing moves nothing else). Rounds never
 * overlap: a round still waiting for a slow probe makes the next scheduled one skip.
 *
 * <p>Thread-safe. Probes complete on the probe's threads; time comes from the injected clock, and
 * {@link #checkNow} runs a round on demand, so tests need no scheduler and no sleeping.
 */
public final class HealthChecker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

  /** Failures in a row before a member is taken out: one lost probe is not enough. */
  public static final int DEFAULT_FAILURES_TO_DEAD = 2;

  /** Default period of {@link #start}. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

  /** Swapped whole by {@link #update}; read once per call. */
  private volatile SeederRing ring;

  private final HealthProbe probe;
  private final InstantSource clock;
  private final int failuresToDead;
  private final Map<URI, MemberHealth> health = new ConcurrentHashMap<>();
  private final Rounds rounds = new Rounds("seeder health", this::round);

  public HealthChecker(SeederRing ring, HealthProbe probe, InstantSource clock) {
    this(ring, probe, clock, DEFAULT_FAILURES_TO_DEAD);
  }

  /**
   * @param failuresToDead consecutive failures that mark a member dead, at least 1
   */
  public HealthChecker(
      SeederRing ring, HealthProbe probe, InstantSource clock, int failuresToDead) {
    if (failuresToDead < 1) {
      throw new IllegalArgumentException("failuresToDead must be >= 1: " + failuresToDead);
    }
    this.ring = ring;
    this.probe = probe;
    this.clock = clock;
    this.failuresToDead = failuresToDead;
    for (URI member : ring.members()) {
      health.put(member, MemberHealth.unchecked(member));
    }
  }

  public SeederRing ring() {
    return ring;
  }

  /**
   * Uses {@code next} from now on: members that stay keep their health, new ones start alive (as at
   * start), removed ones are forgotten. A round in flight records nothing for removed members.
   */
  public synchronized void update(SeederRing next) {
    for (URI member : next.members()) {
      health.putIfAbsent(member, MemberHealth.unchecked(member));
    }
    ring = next;
    health.keySet().retainAll(next.members());
  }

  /**
   * Runs a round on {@code scheduler} every {@code interval}, the first one at once. Call once;
   * {@link #close} stops it (the scheduler is the caller's).
   */
  public void start(ScheduledExecutorService scheduler, Duration interval) {
    rounds.start(scheduler, interval);
  }

  /** Probes every member once; completes when every probe has answered and been recorded. */
  public CompletableFuture<Void> checkNow() {
    return round();
  }

  private CompletableFuture<Void> round() {
    SeederRing ring = this.ring;
    List<CompletableFuture<Void>> probes = new ArrayList<>(ring.members().size());
    for (URI member : ring.members()) {
      CompletableFuture<Void> answer;
      try {
        answer = probe.probe(member);
      } catch (RuntimeException e) {
        answer = CompletableFuture.failedFuture(e);
      }
      probes.add(
          answer.handle(
              (ok, failure) -> {
                if (failure == null) {
                  recordSuccess(member);
                } else {
                  recordFailure(member, reason(failure));
                }
                return null;
              }));
    }
    return CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new));
  }

  /**
   * Counts a failure seen by a caller (for example a metainfo request that could not connect) like
   * a failed probe. Unknown members are ignored.
   */
  public void reportFailure(URI member, Throwable failure) {
    recordFailure(SeederRing.memberId(member), reason(failure));
  }

  private void recordSuccess(URI member) {
    MemberHealth before = health.get(member);
    MemberHealth after = health.computeIfPresent(member, (id, h) -> h.succeeded(clock.instant()));
    if (before != null && after != null && !before.alive()) {
      log.info("seeder {} is alive again", member);
    }
  }

  private void recordFailure(URI member, String reason) {
    MemberHealth before = health.get(member);
    MemberHealth after =
        health.computeIfPresent(
            member, (id, h) -> h.failed(clock.instant(), reason, failuresToDead));
    if (before != null && after != null && before.alive() && !after.alive()) {
      log.warn(
          "seeder {} is dead after {} failures: {}", member, after.consecutiveFailures(), reason);
    }
  }

  private static String reason(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** Whether {@code member} is in the ring and alive. */
  public boolean isAlive(URI member) {
    MemberHealth h = health.get(SeederRing.memberId(member));
    return h != null && h.alive();
  }

  /**
   * The members that own {@code digest} now: the first min(R, live members) live members by weight.
   * Empty when every member is dead; {@link #candidates} still gives an order to try then.
   */
  public List<URI> liveOwners(Digest digest) {
    return ring.owners(digest, this::isAlive);
  }

  /**
   * Every member in the order a client should try them for {@code digest}: the live owners, then
   * the other live members by weight, then the dead ones by weight (health can be wrong, and a
   * request is better than none).
   */
  public List<URI> candidates(Digest digest) {
    List<URI> ranked = this.ring.rank(digest);
    List<URI> order = new ArrayList<>(ranked.size());
    for (URI member : ranked) {
      if (isAlive(member)) {
        order.add(member);
      }
    }
    for (URI member : ranked) {
      if (!isAlive(member)) {
        order.add(member);
      }
    }
    return List.copyOf(order);
  }

  /** Every member's health, in the ring's member order. */
  public List<MemberHealth> members() {
    SeederRing ring = this.ring;
    List<MemberHealth> all = new ArrayList<>(ring.members().size());
    for (URI member : ring.members()) {
      MemberHealth h = health.get(member);
      all.add(h == null ? MemberHealth.unchecked(member) : h);
    }
    return List.copyOf(all);
  }

  /** Stops the periodic rounds; probes in flight still record their answers. */
  @Override
  public void close() {
    rounds.close();
  }
}
