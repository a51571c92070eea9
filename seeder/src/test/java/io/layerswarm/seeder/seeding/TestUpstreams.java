package io.layerswarm.seeder.seeding;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.BlobStream;
import io.layerswarm.registry.client.RegistryException;
import io.layerswarm.registry.client.UpstreamRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Small hand-written upstreams for failure cases the in-memory registry does not produce. */
final class TestUpstreams {
  private TestUpstreams() {}

  /** Base class: everything but {@link #openBlob} is unsupported. */
  abstract static class BlobOnly implements UpstreamRegistry {
    private final URI baseUri;
    final AtomicInteger blobRequests = new AtomicInteger();

    BlobOnly(URI baseUri) {
      this.baseUri = baseUri;
    }

    @Override
    public URI baseUri() {
      return baseUri;
    }

    @Override
    public void ping() {}

    @Override
    public Manifest getManifest(RepositoryName repo, String reference, List<String> accept) {
      throw new UnsupportedOperationException("blobs only");
    }

    @Override
    public ManifestHead headManifest(RepositoryName repo, String reference, List<String> accept) {
      throw new UnsupportedOperationException("blobs only");
    }

    @Override
    public long blobSize(RepositoryName repo, Digest digest) {
      throw new UnsupportedOperationException("blobs only");
    }
  }

  /** Answers every blob request with the same bytes, whatever the digest, without verifying. */
  static final class Lying extends BlobOnly {
    private final byte[] content;

    Lying(URI baseUri, byte[] content) {
      super(baseUri);
      this.content = content.clone();
    }

    @Override
    public BlobStream openBlob(RepositoryName repo, Digest digest, long offset) {
      blobRequests.incrementAndGet();
      return new BlobStream(new ByteArrayInputStream(content), content.length, 0);
    }
  }

  /**
   * Sends the first bytes of a blob and then nothing, until the stream is closed (or, to bound the
   * test, 30 s pass).
   */
  static final class Stalling extends BlobOnly {
    Stalling(URI baseUri) {
      super(baseUri);
    }

    @Override
    public BlobStream openBlob(RepositoryName repo, Digest digest, long offset) {
      blobRequests.incrementAndGet();
      return new BlobStream(new StallingStream(), 1 << 20, 0);
    }
  }

  /** Fails every blob request with an upstream 503. */
  static final class Unavailable extends BlobOnly {
    Unavailable(URI baseUri) {
      super(baseUri);
    }

    @Override
    public BlobStream openBlob(RepositoryName repo, Digest digest, long offset)
        throws RegistryException {
      blobRequests.incrementAndGet();
      throw new RegistryException("pull blob " + digest + " of " + repo + ": HTTP 503", 503);
    }
  }

  /**
   * Passes blob requests to {@code delegate}, but holds the first one until {@link #release} (or,
   * to bound the test, 30 s).
   */
  static final class Gated extends BlobOnly {
    private final UpstreamRegistry delegate;
    final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicBoolean first =
        new java.util.concurrent.atomic.AtomicBoolean(true);

    Gated(UpstreamRegistry delegate) {
      super(delegate.baseUri());
      this.delegate = delegate;
    }

    void release() {
      released.countDown();
    }

    @Override
    public BlobStream openBlob(RepositoryName repo, Digest digest, long offset)
        throws RegistryException {
      blobRequests.incrementAndGet();
      if (first.getAndSet(false)) {
        entered.countDown();
        try {
          released.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return delegate.openBlob(repo, digest, offset);
    }
  }

  private static final class StallingStream extends InputStream {
    private final CountDownLatch closed = new CountDownLatch(1);
    private boolean sentFirst;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (!sentFirst) {
        sentFirst = true;
        b[off] = 42;
        return 1;
      }
      try {
        if (!closed.await(30, TimeUnit.SECONDS)) {
          throw new IOException("test stream gave up after 30 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      throw new IOException("stream closed");
    }

    @Override
    public void close() {
      closed.countDown();
    }
  }
}
