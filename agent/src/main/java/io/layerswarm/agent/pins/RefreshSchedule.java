package io.layerswarm.agent.pins;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When a pin is looked at again: at once the first time, {@code refresh} after a complete attempt
 * (a tag may have moved, an admin may have forced an eviction), and sooner, {@code retry}, after
 * one that left blobs missing or failed. A pure function of the state and the time.
 *
 * @param refresh {@code agent.pins-refresh}
 * @param retry the wait after an incomplete attempt, at most {@code refresh}
 */
record RefreshSchedule(Duration refresh, Duration retry) {
  /** The wait after an incomplete attempt, unless the refresh interval is shorter. */
  static final Duration RETRY = Duration.ofSeconds(30);

  RefreshSchedule {
    Objects.requireNonNull(refresh, "refresh");
    Objects.requireNonNull(retry, "retry");
    if (refresh.isNegative() || refresh.isZero() || retry.isNegative() || retry.isZero()) {
      throw new IllegalArgumentException("refresh and retry must be positive");
    }
    if (retry.compareTo(refresh) > 0) {
      retry = refresh;
    }
  }

  static RefreshSchedule of(Duration refresh) {
    return new RefreshSchedule(refresh, RETRY);
  }

  /** Whether {@code state} is due for an attempt at {@code now}. */
  boolean due(PinState state, Instant now) {
    if (state.checkedAt().isEmpty()) {
      return true;
    }
    Duration wait = state.complete() && state.lastError().isEmpty() ? refresh : retry;
    return !now.isBefore(state.checkedAt().get().plus(wait));
  }
}
