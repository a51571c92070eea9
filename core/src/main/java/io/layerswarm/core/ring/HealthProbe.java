package io.layerswarm.core.ring;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * Asks one seeder whether it serves. Implementations: {@link HttpHealthProbe} ({@code GET
 * /healthz}); tests use fakes.
 */
@FunctionalInterface
public interface HealthProbe {
  /**
   * Completes normally when {@code member} is healthy, exceptionally (with the reason) when it is
   * not. Must complete within a bounded time; must not block the caller.
   */
  CompletableFuture<Void> probe(URI member);
}
