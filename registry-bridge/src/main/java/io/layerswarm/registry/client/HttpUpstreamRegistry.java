package io.layerswarm.registry.client;

import io.layerswarm.registry.Digest;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.RepositoryName;
import java.net.URI;
import java.util.List;

/** The OCI Distribution API over HTTP(S), with java.net.http. */
public final class HttpUpstreamRegistry implements UpstreamRegistry {

  /**
   * @param baseUri for example {@code http://127.0.0.1:5000}
   * @param userAgent sent on every request, so origin logs tell seeders and agents apart
   */
  public HttpUpstreamRegistry(URI baseUri, String userAgent) {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public URI baseUri() {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public void ping() throws RegistryException {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public Manifest getManifest(RepositoryName repo, String reference, List<String> accept)
      throws RegistryException {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public ManifestHead headManifest(RepositoryName repo, String reference, List<String> accept)
      throws RegistryException {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public long blobSize(RepositoryName repo, Digest digest) throws RegistryException {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public BlobStream openBlob(RepositoryName repo, Digest digest, long offset)
      throws RegistryException {
    throw new UnsupportedOperationException("TODO");
  }
}
