package io.layerswarm.core.ring;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** {@code GET <member>/healthz}: healthy on 200 within the timeout. Thread-safe. */
public final class HttpHealthProbe implements HealthProbe {
  private final HttpClient http;
  private final Duration timeout;

  /**
   * @param http a client the caller owns (it is shared with other work and never closed here)
   * @param timeout for the whole request, connect included
   */
  public HttpHealthProbe(HttpClient http, Duration timeout) {
    this.http = http;
    this.timeout = timeout;
  }

  @Override
  public CompletableFuture<Void> probe(URI member) {
    URI health = URI.create(SeederRing.memberId(member) + "/healthz");
    HttpRequest request = HttpRequest.newBuilder(health).GET().timeout(timeout).build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        // Also bounds a connect that the request timeout does not cover.
        .orTimeout(timeout.toMillis() + 100, TimeUnit.MILLISECONDS)
        .thenApply(
            response -> {
              if (response.statusCode() != 200) {
                throw new java.util.concurrent.CompletionException(
                    new IOException("GET " + health + " answered HTTP " + response.statusCode()));
              }
              return null;
            });
  }
}
