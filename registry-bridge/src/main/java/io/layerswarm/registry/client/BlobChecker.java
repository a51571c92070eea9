package io.layerswarm.registry.client;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RepositoryName;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.OptionalLong;

/** {@code HEAD /v2/<repo>/blobs/<digest>}: the blob's size from {@code Content-Length}. */
final class BlobChecker implements RegistryEndpoint<Long> {
  private final RepositoryName repo;
  private final Digest digest;

  BlobChecker(RepositoryName repo, Digest digest) {
    this.repo = repo;
    this.digest = digest;
  }

  @Override
  public String method() {
    return "HEAD";
  }

  @Override
  public String path() {
    return "/v2/" + repo + "/blobs/" + digest;
  }

  @Override
  public Optional<RepositoryName> repository() {
    return Optional.of(repo);
  }

  @Override
  public Long handleResponse(HttpResponse<InputStream> response) throws RegistryException {
    RegistryEndpointCaller.closeQuietly(response.body());
    OptionalLong size = response.headers().firstValueAsLong("Content-Length");
    if (size.isEmpty() || size.getAsLong() < 0) {
      throw new UnexpectedResponseException(
          actionDescription() + " failed: no Content-Length in the answer",
          response.statusCode(),
          null);
    }
    return size.getAsLong();
  }

  @Override
  public RegistryException notFound(String message, String upstreamErrorCode) {
    return new BlobUnknownException(message, 404, upstreamErrorCode);
  }

  @Override
  public String actionDescription() {
    return "check blob " + digest + " of " + repo;
  }
}
