package io.layerswarm.tracker.fleet;

import io.layerswarm.core.topology.Location;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet preheats of one tracker: what the {@code /fleet} endpoint and the admin API call. Reads
 * the clock, keeps values in the {@link FleetStore}, and leaves every rule to {@link FleetJob}.
 * Calls may block on the store (run them off event loops). Thread-safe.
 */
public final class Fleet {
  private static final Logger log = LoggerFactory.getLogger(Fleet.class);

  /** An agent counts as present for this many of its poll intervals after a poll. */
  static final int PRESENT_INTERVALS = 3;

  /** The longest poll interval an agent may name. */
  public static final Duration MAX_INTERVAL = Duration.ofHours(1);

  private final FleetStore store;
  private final InstantSource clock;
  private final RandomGenerator random;
  private volatile Instant lastFullWarning = Instant.MIN;

  public Fleet(FleetStore store, InstantSource clock, RandomGenerator random) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * An agent's poll: records it, applies its report, and answers the job it runs, or one that it
   * starts now (a waiting task, a free slot), or none.
   *
   * @param interval how often the agent polls while idle (1 s to {@link #MAX_INTERVAL})
   */
  public Optional<FleetOrder> poll(
      FleetAgentId agent, Location location, Duration interval, Optional<AgentReport> report) {
    Instant now = clock.instant();
    Duration present = interval.multipliedBy(PRESENT_INTERVALS);
    if (!store.seen(new FleetMember(agent, location, now.plus(present)), now)) {
      warnFull(now);
    }
    if (report.isPresent()) {
      store.update(report.get().job(), job -> job.report(agent, report.get(), now));
    }
    List<FleetJob> active = store.active(now);
    // The job it runs first: an agent runs one at a time, and a report renewed its lease.
    for (FleetJob job : active) {
      if (job.at(now).holds(agent)) {
        return Optional.of(FleetOrder.of(job));
      }
    }
    for (FleetJob job : active) {
      if (job.tasks().containsKey(agent)) {
        Optional<FleetJob> after = store.update(job.id(), j -> j.claim(agent, now));
        if (after.isPresent() && after.get().holds(agent)) {
          return Optional.of(FleetOrder.of(after.get()));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Creates a job for the agents that match {@code spec}'s selector now.
   *
   * @throws FleetRefusedException when no known agent matches, or too many jobs run
   */
  public FleetJob start(FleetSpec spec) throws FleetRefusedException {
    Instant now = clock.instant();
    List<FleetMember> all = store.members(now);
    List<FleetMember> targets = all.stream().filter(m -> m.matches(spec)).toList();
    if (targets.isEmpty()) {
      throw new FleetRefusedException(
          "no agent known to this tracker matches "
              + spec.selector()
              + " ("
              + all.size()
              + " agent(s) polled it lately; agents poll every agent.fleet-poll, and one with"
              + " agent.fleet-poll: 0 never does)",
          false);
    }
    FleetJob job = FleetJob.create(FleetJobId.random(random), spec, targets, now);
    store.add(job, now);
    log.info(
        "fleet job {}: {} to {} agent(s) ({}), {} at once",
        job.id(),
        spec.image(),
        targets.size(),
        spec.selector(),
        spec.maxParallel());
    return job;
  }

  /** The job as of now (leases and deadline applied); empty once forgotten. */
  public Optional<FleetJob> job(FleetJobId id) {
    Instant now = clock.instant();
    return store.update(id, j -> j.at(now));
  }

  /** No more agents are handed {@code id}; those running it finish. */
  public void cancel(FleetJobId id, String reason) {
    Instant now = clock.instant();
    store
        .update(id, j -> j.cancel(reason, now))
        .ifPresent(j -> log.info("fleet job {}: {}", id, reason));
  }

  /** The agents that polled lately. */
  public int agents() {
    return store.memberCount(clock.instant());
  }

  private void warnFull(Instant now) {
    if (now.isAfter(lastFullWarning.plus(Duration.ofMinutes(1)))) {
      lastFullWarning = now;
      log.warn(
          "fleet: {} agents poll this tracker, the most it keeps; newer ones get no fleet"
              + " preheat until others go quiet",
          FleetStore.MAX_MEMBERS);
    }
  }
}
