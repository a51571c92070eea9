package io.layerswarm.registry.client;

import java.time.Duration;

/**
 * How often an idempotent call is sent when the upstream cannot be reached or answers 5xx, and how
 * long to wait in between: {@code backoff}, {@code 2 * backoff}, {@code 4 * backoff}...
 *
 * @param maxAttempts at least 1 (1 means no retry)
 */
record RetryPolicy(int maxAttempts, Duration backoff) {
  RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("retry maxAttempts must be at least 1: " + maxAttempts);
    }
    if (backoff.isNegative()) {
      throw new IllegalArgumentException("retry backoff must not be negative: " + backoff);
    }
  }

  /** The wait before attempt {@code nextAttempt} (2 for the first retry). */
  Duration delayBefore(int nextAttempt) {
    return backoff.multipliedBy(1L << Math.min(nextAttempt - 2, 10));
  }
}
