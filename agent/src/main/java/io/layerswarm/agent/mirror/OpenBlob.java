package io.layerswarm.agent.mirror;

import io.layerswarm.agent.cache.BlobLeases;
import io.layerswarm.core.Digest;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A verified blob opened for reading from the agent's store. The owner either hands {@link
 * #channel()} to a {@code DefaultFileRegion} (which then closes it) and calls {@link
 * #releaseLease()} once the region is written or dropped, or calls {@link #close()}. While the
 * lease is held the cache janitor does not evict the blob.
 */
public final class OpenBlob implements BlobBody, AutoCloseable {
  private final Digest digest;
  private final FileChannel channel;
  private final long size;
  private final BlobLeases.Lease lease;

  OpenBlob(Digest digest, FileChannel channel, long size, BlobLeases.Lease lease) {
    this.digest = digest;
    this.channel = channel;
    this.size = size;
    this.lease = lease;
  }

  @Override
  public Digest digest() {
    return digest;
  }

  /** Positioned reads only; the position of the channel is not used. */
  public FileChannel channel() {
    return channel;
  }

  /** Size in bytes. */
  @Override
  public long size() {
    return size;
  }

  /** The response that read the blob is done with it. Idempotent. */
  public void releaseLease() {
    lease.close();
  }

  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      lease.close();
    }
  }

  @Override
  public void discard() {
    try {
      close();
    } catch (IOException e) {
      // Read-only file: nothing was lost.
    }
  }
}
