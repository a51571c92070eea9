package io.layerswarm.agent.mirror;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.BlobStream;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.client.RegistryException;
import io.layerswarm.registry.client.UnexpectedResponseException;
import io.layerswarm.registry.client.UpstreamRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * An in-memory origin with faults a test switches on: a blob HEAD that fails with a chosen error,
 * blob bodies that stop after a few bytes and hang until closed (an origin that stalls), or Range
 * requests answered with the whole blob (HTTP 200).
 */
final class FaultyUpstream implements UpstreamRegistry {
  final InMemoryUpstreamRegistry origin;
  private volatile Supplier<RegistryException> headFailure;
  private volatile int stallAfterBytes = -1;
  private volatile boolean ignoreRanges;

  FaultyUpstream(URI base) {
    this(new InMemoryUpstreamRegistry(base));
  }

  FaultyUpstream(InMemoryUpstreamRegistry origin) {
    this.origin = origin;
  }

  /** From now on, a blob asked for from an offset answers as an origin that ignores Range. */
  void ignoreRanges() {
    this.ignoreRanges = true;
  }

  /** From now on, blob HEADs fail with what {@code failure} makes. */
  void failHeadsWith(Supplier<RegistryException> failure) {
    this.headFailure = failure;
  }

  /** From now on, blob bodies deliver {@code bytes} bytes, then hang until they are closed. */
  void stallBodiesAfter(int bytes) {
    this.stallAfterBytes = bytes;
  }

  @Override
  public URI baseUri() {
    return origin.baseUri();
  }

  @Override
  public void ping() {}

  @Override
  public Manifest getManifest(RepositoryName repo, String reference, List<String> accept)
      throws RegistryException {
    return origin.getManifest(repo, reference, accept);
  }

  @Override
  public ManifestHead headManifest(RepositoryName repo, String reference, List<String> accept)
      throws RegistryException {
    return origin.headManifest(repo, reference, accept);
  }

  @Override
  public long blobSize(RepositoryName repo, Digest digest) throws RegistryException {
    Supplier<RegistryException> failure = headFailure;
    if (failure != null) {
      throw failure.get();
    }
    return origin.blobSize(repo, digest);
  }

  @Override
  public BlobStream openBlob(RepositoryName repo, Digest digest, long offset)
      throws RegistryException {
    if (offset > 0 && ignoreRanges) {
      throw new UnexpectedResponseException(
          "asked for bytes from " + offset + " and got HTTP 200 (the upstream ignored Range)",
          200,
          null);
    }
    BlobStream real = origin.openBlob(repo, digest, offset);
    int stall = stallAfterBytes;
    if (stall < 0) {
      return real;
    }
    return new BlobStream(new Stalling(real.body(), stall), real.size(), real.offset());
  }

  /** Passes {@code left} bytes on, then blocks until closed; reads after that fail. */
  private static final class Stalling extends InputStream {
    private final InputStream in;
    private final CountDownLatch closed = new CountDownLatch(1);
    private int left;

    Stalling(InputStream in, int left) {
      this.in = in;
      this.left = left;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left > 0) {
        int n = in.read(b, off, Math.min(len, left));
        if (n > 0) {
          left -= n;
        }
        return n;
      }
      try {
        closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new IOException("stream closed");
    }

    @Override
    public void close() throws IOException {
      closed.countDown();
      in.close();
    }
  }
}
