package io.layerswarm.registry.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.layerswarm.registry.RepositoryName;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers auth challenges for one upstream: HTTP Basic, and the distribution token flow
 * (https://distribution.github.io/distribution/spec/auth/token/): on a 401 with {@code
 * WWW-Authenticate: Bearer realm=..,service=..,scope=..} it GETs the realm with the service and
 * scope (sending the Basic credentials when there are some, anonymous otherwise) and caches the
 * token per scope until shortly before it expires. Thread-safe.
 */
final class RegistryAuthenticator {
  /** The spec's default when the token response has no {@code expires_in}. */
  static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_TOKEN_RESPONSE_BYTES = 1 << 20;

  private record Token(String value, Instant expiresAt) {}

  private final HttpClient http;
  private final String userAgent;
  private final Optional<Credentials> credentials;
  private final InstantSource clock;
  private final Duration timeout;
  private final Map<String, Token> tokensByScope = new ConcurrentHashMap<>();
  private volatile boolean basicRequested;

  RegistryAuthenticator(
      HttpClient http,
      String userAgent,
      Optional<Credentials> credentials,
      InstantSource clock,
      Duration timeout) {
    this.http = http;
    this.userAgent = userAgent;
    this.credentials = credentials;
    this.clock = clock;
    this.timeout = timeout;
  }

  /** The {@code Authorization} value to send up front, if an earlier challenge taught us one. */
  Optional<String> authorization(Optional<RepositoryName> repo) {
    Token token = tokensByScope.get(scopeKey(repo));
    if (token != null && clock.instant().isBefore(token.expiresAt())) {
      return Optional.of("Bearer " + token.value());
    }
    if (basicRequested && credentials.isPresent()) {
      return Optional.of(credentials.get().basicHeader());
    }
    return Optional.empty();
  }

  /**
   * Prepares credentials for a retry after a 401.
   *
   * @return true when the request should be sent once more; false when there is nothing we can
   *     answer the challenge with
   * @throws RegistryException when the token endpoint refuses or fails
   */
  boolean handleChallenge(
      List<String> wwwAuthenticate, Optional<RepositoryName> repo, String action)
      throws RegistryException {
    Optional<AuthChallenge> challenge = AuthChallenge.choose(wwwAuthenticate);
    if (challenge.isEmpty()) {
      return false;
    }
    if (challenge.get().isBasic()) {
      if (credentials.isEmpty()) {
        return false;
      }
      basicRequested = true;
      return true;
    }
    Optional<String> realm = challenge.get().param("realm");
    if (realm.isEmpty()) {
      throw new UnexpectedResponseException(
          action + " failed: the Bearer challenge has no realm", 401, null);
    }
    String scope = challenge.get().param("scope").orElse(repo.map(r -> pullScope(r)).orElse(""));
    tokensByScope.put(
        scopeKey(repo),
        fetchToken(realm.get(), challenge.get().param("service").orElse(""), scope, action));
    return true;
  }

  private Token fetchToken(String realm, String service, String scope, String action)
      throws RegistryException {
    String what = action + " failed: fetch token for scope '" + scope + "' from " + realm;
    URI uri;
    try {
      StringBuilder query = new StringBuilder();
      if (!service.isEmpty()) {
        query.append("service=").append(URLEncoder.encode(service, StandardCharsets.UTF_8));
      }
      if (!scope.isEmpty()) {
        query
            .append(query.length() == 0 ? "" : "&")
            .append("scope=")
            .append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
      }
      uri =
          URI.create(
              realm + (query.length() == 0 ? "" : (realm.contains("?") ? "&" : "?") + query));
      if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
        throw new IllegalArgumentException("not http(s)");
      }
    } catch (IllegalArgumentException e) {
      throw new UnexpectedResponseException(
          what + ": the realm is not an http(s) URL", 401, null, e);
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).GET().timeout(timeout).header("User-Agent", userAgent);
    credentials.ifPresent(c -> request.header("Authorization", c.basicHeader()));
    HttpResponse<InputStream> response;
    byte[] body;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        body = in.readNBytes(MAX_TOKEN_RESPONSE_BYTES);
      }
    } catch (IOException e) {
      throw new RegistryUnavailableException(what + ": " + e, 0, null, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(what + ": interrupted", e);
    }
    int status = response.statusCode();
    if (status != 200) {
      UpstreamError error = UpstreamError.parse(body);
      String message = what + ": HTTP " + status + error.describe();
      if (status == 401) {
        throw new UnauthorizedException(message, status, error.code());
      } else if (status == 403) {
        throw new DeniedException(message, status, error.code());
      } else if (status == 429) {
        throw new TooManyRequestsException(message, error.code(), null);
      } else if (status >= 500) {
        throw new RegistryUnavailableException(message, status, error.code());
      }
      throw new UnexpectedResponseException(message, status, error.code());
    }
    try {
      JsonNode json = JSON.readTree(body);
      String token = json.path("token").asText("");
      if (token.isEmpty()) {
        token = json.path("access_token").asText("");
      }
      if (token.isEmpty()) {
        throw new UnexpectedResponseException(what + ": the response has no token", status, null);
      }
      long lifetime = json.path("expires_in").asLong(DEFAULT_TOKEN_LIFETIME.toSeconds());
      if (lifetime <= 0) {
        lifetime = DEFAULT_TOKEN_LIFETIME.toSeconds();
      }
      // Renew a little early so a token does not expire between our check and the registry's.
      Instant expiresAt = clock.instant().plusSeconds(lifetime - Math.min(10, lifetime / 2));
      return new Token(token, expiresAt);
    } catch (IOException e) {
      throw new UnexpectedResponseException(what + ": the response is not JSON", status, null, e);
    }
  }

  static String pullScope(RepositoryName repo) {
    return "repository:" + repo + ":pull";
  }

  private static String scopeKey(Optional<RepositoryName> repo) {
    return repo.map(RegistryAuthenticator::pullScope).orElse("");
  }
}
