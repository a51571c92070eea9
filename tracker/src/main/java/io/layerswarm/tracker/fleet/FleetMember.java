package io.layerswarm.tracker.fleet;

import io.layerswarm.core.topology.Location;
import java.time.Instant;
import java.util.Objects;

/**
 * An agent that polled {@code /fleet}: where it sits, and until when it counts as present (a few of
 * its poll intervals after its last poll).
 */
public record FleetMember(FleetAgentId id, Location location, Instant until) {
  public FleetMember {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(until, "until");
  }

  /** Whether a job's selector takes this agent: each label given must match. */
  public boolean matches(FleetSpec spec) {
    return (spec.zone().isEmpty() || spec.zone().equals(location.zone()))
        && (spec.rack().isEmpty() || spec.rack().equals(location.rack()));
  }
}
