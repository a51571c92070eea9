package io.layerswarm.tracker.fleet;

import io.layerswarm.core.topology.Location;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One agent's part of a fleet job. Immutable; {@link FleetJob} makes the next one.
 *
 * @param attempts how often the agent was handed the job (a lost lease hands it out again)
 * @param leaseUntil while {@link State#RUNNING}: when the job goes back to waiting unless the agent
 *     reports again
 * @param error why it failed, when it did
 */
public record AgentTask(
    FleetAgentId agent,
    Location location,
    State state,
    int attempts,
    Optional<Instant> leaseUntil,
    int blobsLocal,
    int blobsTotal,
    long bytesLocal,
    long bytesTotal,
    Optional<String> error) {

  /** Where the agent is with the job. */
  public enum State {
    /** Not handed out yet (no free slot, or the agent did not poll yet). */
    WAITING,
    /** Handed out; the agent fetches and reports. */
    RUNNING,
    DONE,
    FAILED;

    public boolean ended() {
      return this == DONE || this == FAILED;
    }
  }

  public AgentTask {
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(leaseUntil, "leaseUntil");
    Objects.requireNonNull(error, "error");
  }

  static AgentTask waiting(FleetMember member) {
    return new AgentTask(
        member.id(),
        member.location(),
        State.WAITING,
        0,
        Optional.empty(),
        0,
        0,
        0,
        0,
        Optional.empty());
  }

  AgentTask running(Instant leaseUntil) {
    return new AgentTask(
        agent,
        location,
        State.RUNNING,
        attempts + 1,
        Optional.of(leaseUntil),
        blobsLocal,
        blobsTotal,
        bytesLocal,
        bytesTotal,
        Optional.empty());
  }

  AgentTask progress(AgentReport report, State next, Optional<Instant> lease) {
    return new AgentTask(
        agent,
        location,
        next,
        attempts,
        lease,
        report.blobsLocal(),
        report.blobsTotal(),
        report.bytesLocal(),
        report.bytesTotal(),
        next == State.FAILED ? report.error().or(() -> Optional.of("failed")) : Optional.empty());
  }

  AgentTask to(State next, Optional<String> why) {
    return new AgentTask(
        agent,
        location,
        next,
        attempts,
        Optional.empty(),
        blobsLocal,
        blobsTotal,
        bytesLocal,
        bytesTotal,
        why);
  }
}
