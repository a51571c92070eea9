package io.layerswarm.tracker.fleet;

import java.util.Objects;
import java.util.Optional;

/**
 * What an agent says of the job it runs, with its poll: still fetching, done (every blob local) or
 * failed (and why), and how far it is.
 *
 * @param error the agent's reason when failed; at most {@value #MAX_ERROR} printable ASCII
 *     characters
 */
public record AgentReport(
    FleetJobId job,
    Outcome outcome,
    int blobsLocal,
    int blobsTotal,
    long bytesLocal,
    long bytesTotal,
    Optional<String> error) {
  public static final int MAX_ERROR = 300;

  /** The agent's word on the job. */
  public enum Outcome {
    RUNNING,
    DONE,
    FAILED
  }

  public AgentReport {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(error, "error");
    if (blobsLocal < 0 || blobsTotal < 0 || bytesLocal < 0 || bytesTotal < 0) {
      throw new IllegalArgumentException("progress counts must be >= 0");
    }
    if (error.isPresent()) {
      String e = error.get();
      if (e.length() > MAX_ERROR || !e.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException(
            "error must be at most " + MAX_ERROR + " printable ASCII characters");
      }
    }
  }
}
