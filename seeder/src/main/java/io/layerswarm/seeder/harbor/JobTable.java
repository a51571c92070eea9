package io.layerswarm.seeder.harbor;

import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The preheat jobs this seeder remembers, at most {@code capacity}: a new job drops the oldest
 * finished one when the table is full, and is refused when every job kept is still pending (the
 * caller bounds pending jobs well below the capacity, so that does not happen in practice). Ids
 * count up from 1 and are never reused while the process lives. Thread-safe.
 */
final class JobTable {
  private final int capacity;
  private final InstantSource clock;
  private final Map<Long, Job> jobs = new LinkedHashMap<>();
  private long lastId;

  JobTable(int capacity, InstantSource clock) {
    if (capacity < 1) {
      throw new IllegalArgumentException("a job table holds at least one job: " + capacity);
    }
    this.capacity = capacity;
    this.clock = clock;
  }

  /** A new PENDING job, or empty when the table is full of pending jobs. */
  synchronized Optional<Job> create(String image) {
    if (jobs.size() >= capacity && !dropOldestFinished()) {
      return Optional.empty();
    }
    Instant now = now();
    Job job = new Job(++lastId, image, now, now, Job.State.PENDING, List.of(), "");
    jobs.put(job.id(), job);
    return Optional.of(job);
  }

  synchronized Optional<Job> get(long id) {
    return Optional.ofNullable(jobs.get(id));
  }

  /** Forgets a job that never ran (its executor refused it). */
  synchronized void remove(long id) {
    jobs.remove(id);
  }

  /** Records the outcome of a pending job; a job dropped meanwhile stays dropped. */
  synchronized void finish(long id, Job.State outcome, List<Job.Task> tasks, String error) {
    if (outcome == Job.State.PENDING) {
      throw new IllegalArgumentException("a job finishes with SUCCESS or FAILURE");
    }
    jobs.computeIfPresent(
        id, (key, job) -> job.finished() ? job : job.finish(now(), outcome, tasks, error));
  }

  synchronized int size() {
    return jobs.size();
  }

  private boolean dropOldestFinished() {
    for (Iterator<Job> it = jobs.values().iterator(); it.hasNext(); ) {
      if (it.next().finished()) {
        it.remove();
        return true;
      }
    }
    return false;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
