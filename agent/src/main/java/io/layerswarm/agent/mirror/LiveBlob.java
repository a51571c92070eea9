package io.layerswarm.agent.mirror;

import io.layerswarm.agent.cache.BlobLeases;
import io.layerswarm.core.Digest;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A blob that is still being fetched, for one response to stream while it arrives. Its size is
 * known (from the metainfo or the origin), its bytes are not all here yet. {@link #open} gives the
 * one reader of this handle; the reader's bytes are in order, come only from verified swarm pieces
 * or the origin, and the reader withholds the bytes that end its range until the whole blob has
 * matched its digest (the store's sha256 check); if it does not, the read fails with {@link
 * BlobReadException} and the response must be aborted. While the handle or its reader is open the
 * cache janitor does not evict the blob.
 */
public final class LiveBlob implements BlobBody {
  private final LiveTransfer transfer;
  private final long size;
  private final BlobLeases.Lease lease;
  private final AtomicBoolean taken = new AtomicBoolean();

  LiveBlob(LiveTransfer transfer, long size, BlobLeases.Lease lease) {
    if (size <= 0) {
      throw new IllegalArgumentException("a live blob has bytes to stream: " + size);
    }
    this.transfer = transfer;
    this.size = size;
    this.lease = lease;
  }

  @Override
  public Digest digest() {
    return transfer.digest();
  }

  /** The size the blob will have, in bytes: the response's Content-Length. */
  @Override
  public long size() {
    return size;
  }

  /**
   * The reader of bytes {@code [offset, offset + length)}. Its reads block (until pieces are
   * verified, the origin sends more, or the blob is verified), so use it off event loops. Closing
   * the reader ends this handle. Call at most once.
   *
   * @throws IllegalStateException if called twice or after {@link #discard}
   * @throws IllegalArgumentException if the range is not inside the blob or is empty
   */
  public InputStream open(long offset, long length) {
    if (offset < 0 || length <= 0 || offset > size - length) {
      throw new IllegalArgumentException(
          "range "
              + offset
              + "+"
              + length
              + " is not inside "
              + digest()
              + " of "
              + size
              + " bytes");
    }
    if (!taken.compareAndSet(false, true)) {
      throw new IllegalStateException("live blob " + digest() + " was opened or discarded already");
    }
    return new LiveReader(transfer, size, offset, offset + length, lease);
  }

  @Override
  public void discard() {
    if (taken.compareAndSet(false, true)) {
      lease.close();
    }
  }
}
