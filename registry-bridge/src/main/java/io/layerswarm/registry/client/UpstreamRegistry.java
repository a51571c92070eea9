package io.layerswarm.registry.client;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.RepositoryName;
import java.net.URI;
import java.util.List;

/**
 * One upstream (origin) registry: the seam between LayerSwarm and the OCI Distribution API.
 * Implementations: {@link HttpUpstreamRegistry} and {@link InMemoryUpstreamRegistry}.
 */
public interface UpstreamRegistry {
  /**
   * The manifest media types asked for when the caller forwards no {@code Accept} values: OCI
   * manifest and index, Docker schema2 manifest and manifest list. Without them distribution 2.8
   * converts to schema1.
   */
  List<String> DEFAULT_ACCEPT =
      List.of(
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.docker.distribution.manifest.v2+json",
          "application/vnd.docker.distribution.manifest.list.v2+json");

  /** Base URI, for example {@code http://127.0.0.1:5000}. */
  URI baseUri();

  /** {@code GET /v2/}: reachable and (after auth) authorized. */
  void ping() throws RegistryException;

  /**
   * {@code GET /v2/<repo>/manifests/<reference>} with every {@code accept} value forwarded as-is.
   * The reference is a tag or a digest; a manifest fetched by digest is verified.
   */
  Manifest getManifest(RepositoryName repo, String reference, List<String> accept)
      throws RegistryException;

  /** {@code HEAD /v2/<repo>/manifests/<reference>}: media type, digest and size, no body. */
  ManifestHead headManifest(RepositoryName repo, String reference, List<String> accept)
      throws RegistryException;

  /** {@code HEAD /v2/<repo>/blobs/<digest>}: the blob's size. */
  long blobSize(RepositoryName repo, Digest digest) throws RegistryException;

  /**
   * {@code GET /v2/<repo>/blobs/<digest>}, following redirects, from {@code offset} (with Range
   * when offset > 0). See {@link BlobStream} for verification.
   */
  BlobStream openBlob(RepositoryName repo, Digest digest, long offset) throws RegistryException;

  /** Manifest metadata from a HEAD request. */
  record ManifestHead(String mediaType, Digest digest, long size) {}
}
