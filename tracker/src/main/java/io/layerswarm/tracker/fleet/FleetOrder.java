package io.layerswarm.tracker.fleet;

import java.util.Objects;
import java.util.Optional;

/** What an agent is told to do: fetch {@code image} (for {@code platform}, else its own). */
public record FleetOrder(FleetJobId job, String image, Optional<String> platform) {
  public FleetOrder {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(platform, "platform");
  }

  static FleetOrder of(FleetJob job) {
    return new FleetOrder(job.id(), job.spec().image(), job.spec().platform());
  }
}
