package io.layerswarm.tracker.fleet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The {@link FleetStore} of one tracker process, under one lock. Each call is a map lookup or a
 * walk of at most {@link #MAX_KEPT_JOBS} jobs; {@link #members} walks the agents, which only job
 * creation asks for.
 */
public final class InMemoryFleetStore implements FleetStore {
  private final int maxMembers;
  private final Map<FleetAgentId, FleetMember> members = new HashMap<>();

  /** In creation order. */
  private final Map<FleetJobId, FleetJob> jobs = new LinkedHashMap<>();

  public InMemoryFleetStore() {
    this(MAX_MEMBERS);
  }

  /** With another bound on the agents; for tests. */
  InMemoryFleetStore(int maxMembers) {
    this.maxMembers = maxMembers;
  }

  @Override
  public synchronized boolean seen(FleetMember member, Instant now) {
    if (!members.containsKey(member.id()) && members.size() >= maxMembers) {
      members.values().removeIf(m -> !m.until().isAfter(now));
      if (members.size() >= maxMembers) {
        return false;
      }
    }
    members.put(member.id(), member);
    return true;
  }

  @Override
  public synchronized int memberCount(Instant now) {
    int live = 0;
    for (FleetMember m : members.values()) {
      live += m.until().isAfter(now) ? 1 : 0;
    }
    return live;
  }

  @Override
  public synchronized List<FleetMember> members(Instant now) {
    members.values().removeIf(m -> !m.until().isAfter(now));
    List<FleetMember> live = new ArrayList<>(members.values());
    live.sort((a, b) -> a.id().compareTo(b.id()));
    return live;
  }

  @Override
  public synchronized void add(FleetJob job, Instant now) throws FleetRefusedException {
    forget(now);
    long active = jobs.values().stream().filter(j -> !j.ended()).count();
    if (active >= MAX_ACTIVE_JOBS) {
      throw new FleetRefusedException(
          active
              + " fleet jobs are running, the most a tracker keeps; wait for one to end (or"
              + " cancel one by leaving its preheat command)",
          true);
    }
    // Room for the new one: the oldest ended jobs go first.
    Iterator<FleetJob> oldest = jobs.values().iterator();
    while (jobs.size() >= MAX_KEPT_JOBS && oldest.hasNext()) {
      if (oldest.next().ended()) {
        oldest.remove();
      }
    }
    jobs.put(job.id(), job);
  }

  @Override
  public synchronized Optional<FleetJob> job(FleetJobId id, Instant now) {
    forget(now);
    return Optional.ofNullable(jobs.get(id));
  }

  @Override
  public synchronized List<FleetJob> active(Instant now) {
    forget(now);
    List<FleetJob> list = new ArrayList<>();
    for (FleetJob job : jobs.values()) {
      if (!job.ended()) {
        list.add(job);
      }
    }
    return list;
  }

  @Override
  public synchronized Optional<FleetJob> update(FleetJobId id, UnaryOperator<FleetJob> change) {
    FleetJob job = jobs.get(id);
    if (job == null) {
      return Optional.empty();
    }
    FleetJob next = change.apply(job);
    jobs.put(id, next);
    return Optional.of(next);
  }

  private void forget(Instant now) {
    jobs.values()
        .removeIf(j -> j.endedAt().isPresent() && !j.endedAt().get().plus(KEEP_ENDED).isAfter(now));
  }

  @Override
  public String toString() {
    return "in-memory";
  }
}
