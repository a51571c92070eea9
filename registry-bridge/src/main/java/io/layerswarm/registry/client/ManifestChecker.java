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
final class ManifestChecker extends ManifestEndpoint<Optional<UpstreamRegistry.ManifestHead>> {
  ManifestChecker(RepositoryName repo, String reference, List<String> accept) {
    super("check", repo, reference, accept);
  }

  @Override
  public String method() {
    return "HEAD";
  }

  @Override
  public Optional<UpstreamRegistry.ManifestHead> handleResponse(
      HttpResponse<InputStream> response) {
    RegistryEndpointCaller.closeQuietly(response.body());
    Optional<Digest> digest =
        referenceDigest.isPresent() ? referenceDigest : headerDigest(response);
    Optional<String> mediaType = response.headers().firstValue("Content-Type");
    OptionalLong size = response.headers().firstValueAsLong("Content-Length");
    if (digest.isEmpty() || mediaType.isEmpty() || size.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new UpstreamRegistry.ManifestHead(mediaType.get(), digest.get(), size.getAsLong()));
  }
}
