package io.layerswarm.tracker.fleet;

import io.layerswarm.tracker.fleet.AgentTask.State;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One fleet preheat and the pure rules of its schedule. Each agent of the selector gets an {@link
 * AgentTask}; an agent that polls while its task waits is handed the job if fewer than {@link
 * FleetSpec#maxParallel} agents run it, as a lease of {@link #LEASE} that each report renews. A
 * lease that runs out puts the task back to waiting (the agent stopped or lost the tracker), up to
 * {@link #MAX_ATTEMPTS} hand-outs; at the deadline what has not ended fails. Immutable: every
 * method returns the next job and takes the time as an argument.
 *
 * @param tasks by agent, in address order
 * @param endedAt when the last task ended (or the job was cancelled and none ran)
 * @param cancelled why no more agents are handed the job, when an admin stopped it
 */
public record FleetJob(
    FleetJobId id,
    FleetSpec spec,
    Instant created,
    Instant deadline,
    Map<FleetAgentId, AgentTask> tasks,
    Optional<Instant> endedAt,
    Optional<String> cancelled) {

  /** How long a handed-out job stays the agent's without a report (agents report every 2 s). */
  public static final Duration LEASE = Duration.ofSeconds(30);

  /** How often one agent is handed the job before its task fails. */
  public static final int MAX_ATTEMPTS = 3;

  public FleetJob {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(endedAt, "endedAt");
    Objects.requireNonNull(cancelled, "cancelled");
    tasks = Collections.unmodifiableMap(new TreeMap<>(tasks));
  }

  /** The agents of each state, and the bytes local of the bytes the reporting agents need. */
  public record Totals(
      int agents,
      int waiting,
      int running,
      int done,
      int failed,
      long bytesLocal,
      long bytesTotal) {}

  /** A new job for {@code targets}, every task waiting, due by {@code now} plus the timeout. */
  public static FleetJob create(
      FleetJobId id, FleetSpec spec, Collection<FleetMember> targets, Instant now) {
    Map<FleetAgentId, AgentTask> tasks = new TreeMap<>();
    for (FleetMember member : targets) {
      tasks.put(member.id(), AgentTask.waiting(member));
    }
    return new FleetJob(
        id, spec, now, now.plus(spec.timeout()), tasks, Optional.empty(), Optional.empty());
  }

  /**
   * The job at {@code now}: leases that ran out go back to waiting (or fail after {@link
   * #MAX_ATTEMPTS}), and past the deadline every task that has not ended fails.
   */
  public FleetJob at(Instant now) {
    if (endedAt.isPresent()) {
      return this;
    }
    boolean late = !now.isBefore(deadline);
    Map<FleetAgentId, AgentTask> next = null;
    for (AgentTask task : tasks.values()) {
      AgentTask changed = task;
      if (task.state() == State.RUNNING && now.isAfter(task.leaseUntil().orElseThrow())) {
        changed =
            task.attempts() >= MAX_ATTEMPTS
                ? task.to(
                    State.FAILED,
                    Optional.of(
                        "stopped reporting "
                            + task.attempts()
                            + " times (each time for "
                            + LEASE.toSeconds()
                            + " s)"))
                : task.to(State.WAITING, Optional.empty());
      }
      if (late && !changed.state().ended()) {
        changed =
            changed.to(
                State.FAILED,
                Optional.of(
                    changed.state() == State.RUNNING
                        ? "timed out while fetching (after " + spec.timeout() + ")"
                        : changed.attempts() == 0
                            ? "timed out before the agent was handed the job (it did not poll,"
                                + " or no slot was free)"
                            : "timed out waiting to be handed the job again"));
      }
      if (changed != task) {
        next = next == null ? new TreeMap<>(tasks) : next;
        next.put(task.agent(), changed);
      }
    }
    return (next == null ? this : with(next)).settled(now);
  }

  /**
   * The job after {@code agent} polled at {@code now} with no job of its own: its task starts if it
   * waits, the job is not cancelled and a slot is free. {@link #holds} tells whether it did.
   */
  public FleetJob claim(FleetAgentId agent, Instant now) {
    FleetJob job = at(now);
    AgentTask task = job.tasks.get(agent);
    if (task == null
        || task.state() != State.WAITING
        || job.cancelled.isPresent()
        || job.running() >= spec.maxParallel()) {
      return job;
    }
    return job.put(task.running(now.plus(LEASE)));
  }

  /**
   * The job after {@code agent}'s report at {@code now}. A running task takes it (a report renews
   * the lease); a task that went back to waiting takes only a success (the work is done all the
   * same); anything else is stale and changes nothing.
   */
  public FleetJob report(FleetAgentId agent, AgentReport report, Instant now) {
    FleetJob job = at(now);
    AgentTask task = job.tasks.get(agent);
    if (task == null || !report.job().equals(id)) {
      return job;
    }
    boolean running = task.state() == State.RUNNING;
    boolean lateSuccess =
        task.state() == State.WAITING && report.outcome() == AgentReport.Outcome.DONE;
    if (!running && !lateSuccess) {
      return job;
    }
    AgentTask next =
        switch (report.outcome()) {
          case RUNNING -> task.progress(report, State.RUNNING, Optional.of(now.plus(LEASE)));
          case DONE -> task.progress(report, State.DONE, Optional.empty());
          case FAILED -> task.progress(report, State.FAILED, Optional.empty());
        };
    return job.put(next).settled(now);
  }

  /**
   * No agent is handed the job any more: waiting tasks fail with {@code reason}; running ones go on
   * and report until they end (their fetch is the swarm's like any other).
   */
  public FleetJob cancel(String reason, Instant now) {
    FleetJob job = at(now);
    if (job.endedAt.isPresent() || job.cancelled.isPresent()) {
      return job;
    }
    Map<FleetAgentId, AgentTask> next = new TreeMap<>(job.tasks);
    for (AgentTask task : job.tasks.values()) {
      if (task.state() == State.WAITING) {
        next.put(task.agent(), task.to(State.FAILED, Optional.of(reason)));
      }
    }
    return new FleetJob(id, spec, created, deadline, next, endedAt, Optional.of(reason))
        .settled(now);
  }

  /** Whether {@code agent} runs the job now (it was handed it and its lease holds). */
  public boolean holds(FleetAgentId agent) {
    AgentTask task = tasks.get(agent);
    return task != null && task.state() == State.RUNNING;
  }

  /** Whether every task ended. */
  public boolean ended() {
    return endedAt.isPresent();
  }

  public int running() {
    int n = 0;
    for (AgentTask task : tasks.values()) {
      n += task.state() == State.RUNNING ? 1 : 0;
    }
    return n;
  }

  public Totals totals() {
    int waiting = 0;
    int running = 0;
    int done = 0;
    int failed = 0;
    long local = 0;
    long total = 0;
    for (AgentTask task : tasks.values()) {
      switch (task.state()) {
        case WAITING -> waiting++;
        case RUNNING -> running++;
        case DONE -> done++;
        case FAILED -> failed++;
      }
      local += task.bytesLocal();
      total += task.bytesTotal();
    }
    return new Totals(tasks.size(), waiting, running, done, failed, local, total);
  }

  private FleetJob put(AgentTask task) {
    Map<FleetAgentId, AgentTask> next = new TreeMap<>(tasks);
    next.put(task.agent(), task);
    return with(next);
  }

  private FleetJob with(Map<FleetAgentId, AgentTask> next) {
    return new FleetJob(id, spec, created, deadline, next, endedAt, cancelled);
  }

  /** Marks the job ended once every task has. */
  private FleetJob settled(Instant now) {
    if (endedAt.isPresent()) {
      return this;
    }
    for (AgentTask task : tasks.values()) {
      if (!task.state().ended()) {
        return this;
      }
    }
    return new FleetJob(id, spec, created, deadline, tasks, Optional.of(now), cancelled);
  }
}
