package io.layerswarm.tracker.fleet;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Holds the agents that poll and the fleet jobs. The rules live in {@link FleetJob}; a store only
 * keeps values and applies a change to one job atomically, so that the one in memory ({@link
 * InMemoryFleetStore}) and a shared one for tracker replicas differ in nothing else. Every bound
 * that outside input could grow is the store's: {@link #MAX_MEMBERS}, {@link #MAX_ACTIVE_JOBS},
 * {@link #MAX_KEPT_JOBS}, and ended jobs are forgotten after {@link #KEEP_ENDED}. Thread-safe.
 */
public interface FleetStore {
  int MAX_MEMBERS = 100_000;
  int MAX_ACTIVE_JOBS = 16;
  int MAX_KEPT_JOBS = 64;
  java.time.Duration KEEP_ENDED = java.time.Duration.ofHours(1);

  /**
   * Records (or refreshes) an agent that polled at {@code now}.
   *
   * @return false when {@link #MAX_MEMBERS} live agents are known and this one is new: it is not
   *     recorded, so no job created meanwhile includes it
   */
  boolean seen(FleetMember member, Instant now);

  /** How many agents {@link #members} would list; cheaper (for the {@code /metrics} gauge). */
  int memberCount(Instant now);

  /** The agents whose {@link FleetMember#until} is after {@code now}, in address order. */
  List<FleetMember> members(Instant now);

  /**
   * Adds a new job.
   *
   * @throws FleetRefusedException when {@link #MAX_ACTIVE_JOBS} jobs have not ended yet
   */
  void add(FleetJob job, Instant now) throws FleetRefusedException;

  /** A job by id, ended ones too until they are forgotten. */
  Optional<FleetJob> job(FleetJobId id, Instant now);

  /** The jobs that have not ended, oldest first. */
  List<FleetJob> active(Instant now);

  /**
   * Replaces job {@code id} with {@code change} applied to it, atomically with respect to every
   * other change of that job.
   *
   * @param change pure: it may run more than once (a shared store retries on a conflict)
   * @return the job as stored now; empty when there is no such job
   */
  Optional<FleetJob> update(FleetJobId id, UnaryOperator<FleetJob> change);
}
