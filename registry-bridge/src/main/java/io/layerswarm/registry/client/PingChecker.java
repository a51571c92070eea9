package io.layerswarm.registry.client;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.Optional;

/** {@code GET /v2/}: the upstream speaks the registry API and accepts our credentials. */
final class PingChecker implements RegistryEndpoint<Void> {
  @Override
  public String method() {
    return "GET";
  }

  @Override
  public String path() {
    return "/v2/";
  }

  @Override
  public Optional<io.layerswarm.registry.RepositoryName> repository() {
    return Optional.empty();
  }

  @Override
  public Void handleResponse(HttpResponse<InputStream> response) {
    RegistryEndpointCaller.closeQuietly(response.body());
    return null;
  }

  @Override
  public RegistryException notFound(String message, String upstreamErrorCode) {
    return new UnexpectedResponseException(
        message + " (not a registry: /v2/ is missing)", 404, upstreamErrorCode);
  }

  @Override
  public String actionDescription() {
    return "ping registry";
  }
}
