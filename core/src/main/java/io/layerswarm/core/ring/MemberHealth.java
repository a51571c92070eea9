package io.layerswarm.core.ring;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link HealthChecker} knows about one ring member.
 *
 * @param id the member's normalized control URL
 * @param alive whether it takes part in ownership now
 * @param consecutiveFailures failed probes (or reported failures) since the last success
 * @param lastCheck when the last probe answered or a failure was reported; empty before that
 * @param lastError the last failure's reason, cleared by a success
 */
public record MemberHealth(
    URI id,
    boolean alive,
    int consecutiveFailures,
    Optional<Instant> lastCheck,
    Optional<String> lastError) {
  public MemberHealth {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(lastCheck, "lastCheck");
    Objects.requireNonNull(lastError, "lastError");
  }

  /** A member nobody has checked yet: alive, so that a fresh ring serves before the first round. */
  static MemberHealth unchecked(URI id) {
    return new MemberHealth(id, true, 0, Optional.empty(), Optional.empty());
  }

  MemberHealth succeeded(Instant now) {
    return new MemberHealth(id, true, 0, Optional.of(now), Optional.empty());
  }

  MemberHealth failed(Instant now, String reason, int failuresToDead) {
    int failures = consecutiveFailures + 1;
    return new MemberHealth(
        id, alive && failures < failuresToDead, failures, Optional.of(now), Optional.of(reason));
  }
}
