package io.layerswarm.seeder.harbor;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One preheat job as the Dragonfly API reports it. Immutable: the {@link JobTable} replaces a job
 * when it finishes.
 *
 * @param image the image as the job's URL named it (for logs; no credentials)
 * @param tasks one per blob the seeder holds (SUCCESS) or could not get (FAILURE)
 * @param error why the job failed; empty unless FAILURE
 */
public record Job(
    long id,
    String image,
    Instant createdAt,
    Instant updatedAt,
    State state,
    List<Task> tasks,
    String error) {
  public Job {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(state, "state");
    tasks = List.copyOf(tasks);
    Objects.requireNonNull(error, "error");
    if (id <= 0) {
      throw new IllegalArgumentException("a job id is positive: " + id);
    }
  }

  /** Dragonfly's job states; PENDING covers queued and running. */
  public enum State {
    PENDING,
    SUCCESS,
    FAILURE
  }

  /**
   * A blob of the job: {@code url} is the blob at the upstream, {@code hostname} and {@code ip} the
   * seeder that holds it; {@code description} says why a failed one failed ("" on success).
   */
  public record Task(String url, String hostname, String ip, boolean success, String description) {
    public Task {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(hostname, "hostname");
      Objects.requireNonNull(ip, "ip");
      Objects.requireNonNull(description, "description");
    }
  }

  boolean finished() {
    return state != State.PENDING;
  }

  Job finish(Instant at, State outcome, List<Task> result, String why) {
    return new Job(id, image, createdAt, at, outcome, result, why);
  }
}
