package io.layerswarm.registry.client;

import java.time.Duration;
import java.util.Optional;

/** The upstream answered 429. Not retried here: the caller decides whether to wait. */
public final class TooManyRequestsException extends RegistryException {
  private static final long serialVersionUID = 1L;
  private final Duration retryAfter;

  /**
   * @param retryAfter the upstream's {@code Retry-After} in seconds, or null
   */
  public TooManyRequestsException(String message, String upstreamErrorCode, Duration retryAfter) {
    super(message, 429, upstreamErrorCode, null);
    this.retryAfter = retryAfter;
  }

  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
