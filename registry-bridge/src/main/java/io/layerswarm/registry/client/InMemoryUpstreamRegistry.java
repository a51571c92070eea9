package io.layerswarm.registry.client;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.RepositoryName;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An upstream held in memory, for unit tests of the seeder and agent. Thread-safe. Like a real
 * registry it scopes blobs and manifests by repository, and it returns the same exception types as
 * {@link HttpUpstreamRegistry} (404 as {@link ManifestUnknownException} / {@link
 * BlobUnknownException}). Blob bodies are verified the same way.
 */
public final class InMemoryUpstreamRegistry implements UpstreamRegistry {
  private record Key(RepositoryName repo, String reference) {}

  private final URI baseUri;
  private final Map<Key, byte[]> blobs = new ConcurrentHashMap<>();
  private final Map<Key, Manifest> manifests = new ConcurrentHashMap<>();
  private final AtomicLong blobBytesServed = new AtomicLong();
  private final AtomicLong blobRequests = new AtomicLong();

  public InMemoryUpstreamRegistry(URI baseUri) {
    this.baseUri = baseUri;
  }

  /** Stores a blob under its sha256 in {@code repo} and returns the digest. */
  public Digest putBlob(RepositoryName repo, byte[] content) {
    Digest digest = Digest.sha256(content);
    blobs.put(new Key(repo, digest.toString()), content.clone());
    return digest;
  }

  /**
   * Stores {@code content} under a digest it does not hash to, to test that readers catch a bad
   * origin: {@link #openBlob} from offset 0 then fails with {@link DigestMismatchException} at the
   * end of the stream.
   */
  public void putCorruptBlob(RepositoryName repo, Digest claimed, byte[] content) {
    blobs.put(new Key(repo, claimed.toString()), content.clone());
  }

  /** Stores a manifest under a tag (and under its digest). */
  public void putManifest(RepositoryName repo, String tag, Manifest manifest) {
    manifests.put(new Key(repo, tag), manifest);
    manifests.put(new Key(repo, manifest.digest().toString()), manifest);
  }

  /** How many blob bytes were served, for asserting that the origin was not used. */
  public long blobBytesServed() {
    return blobBytesServed.get();
  }

  /** How many times {@link #openBlob} succeeded. */
  public long blobRequests() {
    return blobRequests.get();
  }

  @Override
  public URI baseUri() {
    return baseUri;
  }

  @Override
  public void ping() {}

  @Override
  public Manifest getManifest(RepositoryName repo, String reference, List<String> accept)
      throws RegistryException {
    Manifest manifest = manifests.get(new Key(repo, reference));
    if (manifest == null) {
      throw new ManifestUnknownException(
          "pull manifest "
              + ManifestReference.display(repo, reference)
              + " from "
              + baseUri
              + " failed: HTTP 404 MANIFEST_UNKNOWN",
          404,
          "MANIFEST_UNKNOWN");
    }
    return manifest;
  }

  @Override
  public ManifestHead headManifest(RepositoryName repo, String reference, List<String> accept)
      throws RegistryException {
    Manifest manifest = getManifest(repo, reference, accept);
    return new ManifestHead(manifest.mediaType(), manifest.digest(), manifest.size());
  }

  @Override
  public long blobSize(RepositoryName repo, Digest digest) throws RegistryException {
    return blob(repo, digest, "check blob").length;
  }

  @Override
  public BlobStream openBlob(RepositoryName repo, Digest digest, long offset)
      throws RegistryException {
    byte[] content = blob(repo, digest, "pull blob");
    if (offset < 0 || offset > content.length) {
      throw new UnexpectedResponseException(
          "pull blob "
              + digest
              + " of "
              + repo
              + " from offset "
              + offset
              + " failed: HTTP 416, "
              + "the blob has "
              + content.length
              + " bytes",
          416,
          "RANGE_INVALID");
    }
    blobRequests.incrementAndGet();
    InputStream counting =
        new FilterInputStream(
            new ByteArrayInputStream(content, (int) offset, content.length - (int) offset)) {
          @Override
          public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
              blobBytesServed.incrementAndGet();
            }
            return b;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
              blobBytesServed.addAndGet(n);
            }
            return n;
          }
        };
    return new BlobStream(
        new DigestVerifyingInputStream(counting, digest, offset == 0, content.length - offset),
        content.length,
        offset);
  }

  private byte[] blob(RepositoryName repo, Digest digest, String action)
      throws BlobUnknownException {
    byte[] content = blobs.get(new Key(repo, digest.toString()));
    if (content == null) {
      throw new BlobUnknownException(
          action
              + " "
              + digest
              + " of "
              + repo
              + " from "
              + baseUri
              + " failed: HTTP 404 "
              + "BLOB_UNKNOWN",
          404,
          "BLOB_UNKNOWN");
    }
    return content;
  }
}
