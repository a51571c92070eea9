package io.layerswarm.registry.client;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RepositoryName;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code HEAD /v2/<repo>/manifests/<reference>}. Empty when the upstream leaves out a header we
 * need ({@code Docker-Content-Digest} for a tag, {@code Content-Type}, {@code Content-Length}); the
 * front then falls back to a GET.
 */
final class ManifestChecker implements RegistryEndpoint<Optional<UpstreamRegistry.ManifestHead>> {
  private final RepositoryName repo;
  private final String reference;
  private final Optional<Digest> referenceDigest;
  private final List<String> accept;

  ManifestChecker(RepositoryName repo, String reference, List<String> accept) {
    this.repo = repo;
    this.reference = reference;
    this.referenceDigest = ManifestReference.parse(reference);
    this.accept = List.copyOf(accept);
  }

  @Override
  public String method() {
    return "HEAD";
  }

  @Override
  public String path() {
    return "/v2/" + repo + "/manifests/" + reference;
  }

  @Override
  public List<String> accept() {
    return accept;
  }

  @Override
  public Optional<RepositoryName> repository() {
    return Optional.of(repo);
  }

  @Override
  public Optional<UpstreamRegistry.ManifestHead> handleResponse(
      HttpResponse<InputStream> response) {
    RegistryEndpointCaller.closeQuietly(response.body());
    Optional<Digest> digest =
        referenceDigest.isPresent() ? referenceDigest : ManifestPuller.headerDigest(response);
    Optional<String> mediaType = response.headers().firstValue("Content-Type");
    OptionalLong size = response.headers().firstValueAsLong("Content-Length");
    if (digest.isEmpty() || mediaType.isEmpty() || size.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new UpstreamRegistry.ManifestHead(mediaType.get(), digest.get(), size.getAsLong()));
  }

  @Override
  public RegistryException notFound(String message, String upstreamErrorCode) {
    return new ManifestUnknownException(message, 404, upstreamErrorCode);
  }

  @Override
  public String actionDescription() {
    return "check manifest " + ManifestReference.display(repo, reference);
  }
}
