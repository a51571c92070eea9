package io.layerswarm.registry.client;

import io.layerswarm.registry.Digest;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.RepositoryName;
import java.net.URI;
import java.util.List;

/** An upstream held in memory, for unit tests of the seeder and agent. Thread-safe. */
public final class InMemoryUpstreamRegistry implements UpstreamRegistry {

  public InMemoryUpstreamRegistry(URI baseUri) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Stores a blob under its sha256 in {@code repo} and returns the digest. */
  public Digest putBlob(RepositoryName repo, byte[] content) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Stores a manifest under a tag (and under its digest). */
  public void putManifest(RepositoryName repo, String tag, Manifest manifest) {
    throw new UnsupportedOperationException("TODO");
  }

  /** How many blob bytes were served, for asserting that the origin was not used. */
  public long blobBytesServed() {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public URI baseUri() {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public void ping() {
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
