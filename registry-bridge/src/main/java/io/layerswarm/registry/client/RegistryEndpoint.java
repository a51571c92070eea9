package io.layerswarm.registry.client;

import io.layerswarm.registry.RepositoryName;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One registry API operation: what to send and how to read a successful answer. {@link
 * RegistryEndpointCaller} sends it, follows redirects, authenticates, retries and turns error
 * statuses into exceptions, so an endpoint only sees 2xx responses.
 *
 * @param <T> what the operation returns
 */
interface RegistryEndpoint<T> {
  /** {@code GET} or {@code HEAD}. */
  String method();

  /** Path below the registry base, for example {@code /v2/library/app/manifests/1.2}. */
  String path();

  /** Values for {@code Accept}, each sent as its own header line. */
  default List<String> accept() {
    return List.of();
  }

  /** Further request headers, for example {@code Range}. */
  default Map<String, String> headers() {
    return Map.of();
  }

  /** The repository, which sets the token scope; empty for registry-wide calls like ping. */
  Optional<RepositoryName> repository();

  /** Safe to send again after a connect error or 5xx. */
  default boolean idempotent() {
    return true;
  }

  /**
   * Reads a 2xx answer. The endpoint owns the body: it must close it, or hand it to its result.
   * When it throws, the caller closes the body.
   */
  T handleResponse(HttpResponse<InputStream> response) throws RegistryException;

  /** The exception for a 404, which depends on what was asked for. */
  RegistryException notFound(String message, String upstreamErrorCode);

  /** What the call does, for messages: {@code pull manifest library/app:1.2}. */
  String actionDescription();
}
