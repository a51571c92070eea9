package io.layerswarm.registry.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@link RegistryEndpoint}s to one upstream. This is the one place where HTTP statuses become
 * {@link RegistryException}s; it also follows redirects (registries send blob GETs to their
 * storage), answers 401 challenges once per call, and retries idempotent calls on connect errors
 * and 5xx with exponential backoff. Thread-safe.
 *
 * <p>Redirects are followed here rather than by the HttpClient so that the {@code Authorization}
 * header, which is for the registry, is never sent to another origin (S3 and GCS reject presigned
 * URLs that come with one).
 */
final class RegistryEndpointCaller {
  private static final Logger log = LoggerFactory.getLogger(RegistryEndpointCaller.class);
  private static final int MAX_REDIRECTS = 10;
  private static final int MAX_ERROR_BODY_BYTES = 64 * 1024;

  /** Blocks the calling thread; replaced in tests so that nothing sleeps. */
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final HttpClient http;
  private final URI baseUri;
  private final String userAgent;
  private final RegistryAuthenticator authenticator;
  private final RetryPolicy retryPolicy;
  private final Duration requestTimeout;
  private final Sleeper sleeper;

  RegistryEndpointCaller(
      HttpClient http,
      URI baseUri,
      String userAgent,
      RegistryAuthenticator authenticator,
      RetryPolicy retryPolicy,
      Duration requestTimeout,
      Sleeper sleeper) {
    this.http = http;
    this.baseUri = baseUri;
    this.userAgent = userAgent;
    this.authenticator = authenticator;
    this.retryPolicy = retryPolicy;
    this.requestTimeout = requestTimeout;
    this.sleeper = sleeper;
  }

  <T> T call(RegistryEndpoint<T> endpoint) throws RegistryException {
    String action = endpoint.actionDescription() + " from " + baseUri;
    int maxAttempts = endpoint.idempotent() ? retryPolicy.maxAttempts() : 1;
    boolean challengeAnswered = false;
    int attempt = 1;
    while (true) {
      HttpResponse<InputStream> response;
      try {
        response = sendFollowingRedirects(endpoint, action);
      } catch (IOException e) {
        if (attempt < maxAttempts) {
          log.debug("{}: attempt {} failed, retrying: {}", action, attempt, e.toString());
          backoff(++attempt, action);
          continue;
        }
        throw new RegistryUnavailableException(
            action + " failed after " + attempt + " attempt(s): " + e, 0, null, e);
      }
      int status = response.statusCode();
      if (status >= 200 && status < 300) {
        try {
          return endpoint.handleResponse(response);
        } catch (RegistryException | RuntimeException e) {
          closeQuietly(response.body());
          throw e;
        }
      }
      UpstreamError error = readError(response, endpoint.method());
      if (status == 401 && !challengeAnswered) {
        challengeAnswered = true;
        if (authenticator.handleChallenge(
            response.headers().allValues("WWW-Authenticate"), endpoint.repository(), action)) {
          continue; // answering a challenge is not a new attempt
        }
      }
      if (status >= 500 && attempt < maxAttempts) {
        log.debug("{}: attempt {} got HTTP {}, retrying", action, attempt, status);
        backoff(++attempt, action);
        continue;
      }
      throw translate(endpoint, action, status, error, response.headers(), attempt);
    }
  }

  /** The single mapping from an error status to an exception. */
  private static RegistryException translate(
      RegistryEndpoint<?> endpoint,
      String action,
      int status,
      UpstreamError error,
      HttpHeaders headers,
      int attempts) {
    String message = action + " failed: HTTP " + status + error.describe();
    switch (status) {
      case 401:
        return new UnauthorizedException(message, status, error.code());
      case 403:
        return new DeniedException(message, status, error.code());
      case 404:
        return endpoint.notFound(message, error.code());
      case 429:
        return new TooManyRequestsException(message, error.code(), retryAfter(headers));
      default:
        if (status >= 500) {
          return new RegistryUnavailableException(
              message + " (after " + attempts + " attempt(s))", status, error.code());
        }
        return new UnexpectedResponseException(message, status, error.code());
    }
  }

  private HttpResponse<InputStream> sendFollowingRedirects(
      RegistryEndpoint<?> endpoint, String action) throws IOException, RegistryException {
    URI uri = URI.create(baseUri + endpoint.path());
    boolean sameOrigin = true;
    for (int hop = 0; ; hop++) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(uri)
              .method(endpoint.method(), HttpRequest.BodyPublishers.noBody())
              .timeout(requestTimeout)
              .header("User-Agent", userAgent);
      for (String accept : endpoint.accept()) {
        request.header("Accept", accept); // one line each: distribution 2.8 reads them separately
      }
      endpoint.headers().forEach(request::header);
      if (sameOrigin) {
        authenticator
            .authorization(endpoint.repository())
            .ifPresent(value -> request.header("Authorization", value));
      }
      HttpResponse<InputStream> response;
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryException(action + " failed: interrupted", e);
      }
      Optional<String> location = response.headers().firstValue("Location");
      if (!isRedirect(response.statusCode()) || location.isEmpty()) {
        return response;
      }
      closeQuietly(response.body());
      if (hop >= MAX_REDIRECTS) {
        throw new UnexpectedResponseException(
            action + " failed: more than " + MAX_REDIRECTS + " redirects",
            response.statusCode(),
            null);
      }
      URI next;
      try {
        next = uri.resolve(location.get());
      } catch (IllegalArgumentException e) {
        throw new UnexpectedResponseException(
            action + " failed: redirect to an invalid Location", response.statusCode(), null, e);
      }
      if (!"http".equalsIgnoreCase(next.getScheme())
          && !"https".equalsIgnoreCase(next.getScheme())) {
        throw new UnexpectedResponseException(
            action + " failed: redirect to a non-http(s) Location", response.statusCode(), null);
      }
      sameOrigin = sameOrigin && sameOrigin(baseUri, next);
      uri = next;
    }
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost() != null
        && a.getHost().equalsIgnoreCase(b.getHost())
        && effectivePort(a) == effectivePort(b);
  }

  private static int effectivePort(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  private static UpstreamError readError(HttpResponse<InputStream> response, String method) {
    try (InputStream in = response.body()) {
      if ("HEAD".equals(method)) {
        return UpstreamError.NONE;
      }
      return UpstreamError.parse(in.readNBytes(MAX_ERROR_BODY_BYTES));
    } catch (IOException e) {
      return UpstreamError.NONE;
    }
  }

  private static java.time.Duration retryAfter(HttpHeaders headers) {
    Optional<String> value = headers.firstValue("Retry-After");
    if (value.isEmpty()) {
      return null;
    }
    try {
      long seconds = Long.parseLong(value.get().strip());
      return seconds < 0 ? null : Duration.ofSeconds(seconds);
    } catch (NumberFormatException e) {
      return null; // an HTTP date; rare for registries
    }
  }

  private void backoff(int nextAttempt, String action) throws RegistryException {
    Duration delay = retryPolicy.delayBefore(nextAttempt);
    if (delay.isZero()) {
      return;
    }
    try {
      sleeper.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(action + " failed: interrupted while waiting to retry", e);
    }
  }

  static void closeQuietly(InputStream in) {
    try {
      Objects.requireNonNull(in).close();
    } catch (IOException | RuntimeException e) {
      // The response is being discarded; nothing to do.
    }
  }
}
