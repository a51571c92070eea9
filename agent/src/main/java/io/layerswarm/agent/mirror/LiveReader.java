package io.layerswarm.agent.mirror;

import io.layerswarm.agent.cache.BlobLeases;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one range of a {@link LiveBlob} in order, following the transfer from source to source (the
 * swarm, then the origin if the swarm stalls, then the store), and withholding the bytes that end
 * the range until the blob is verified. Used by one thread, which also closes it (to end a read
 * blocked on another thread, interrupt that thread, and let it close the reader).
 */
final class LiveReader extends InputStream {
  private static final Logger log = LoggerFactory.getLogger(LiveReader.class);

  /** Moves between sources a reader makes before it gives up; a transfer makes at most three. */
  static final int MAX_SOURCE_CHANGES = 16;

  private final LiveTransfer transfer;
  private final long size;
  private final long end;
  private final BlobLeases.Lease lease;
  private long position;
  private LiveTransfer.Source source;
  private int changes;
  private volatile boolean closed;

  /**
   * @param size the whole blob's size, as promised to the client
   * @param start first byte of the range
   * @param end one past the last byte of the range
   */
  LiveReader(LiveTransfer transfer, long size, long start, long end, BlobLeases.Lease lease) {
    this.transfer = transfer;
    this.size = size;
    this.position = start;
    this.end = end;
    this.lease = lease;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (closed) {
      throw new IOException("stream of " + transfer.digest() + " is closed");
    }
    if (position >= end) {
      return -1;
    }
    if (len == 0) {
      return 0;
    }
    int want = (int) Math.min(len, end - position);
    while (true) {
      if (source == null) {
        source = transfer.sourceAt(position, size);
      }
      int n;
      try {
        n = source.read(b, off, want, position);
      } catch (BlobReadException | InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        if (closed) {
          throw e;
        }
        moveOn(e.toString());
        continue;
      }
      if (n < 0) {
        moveOn(source.describe() + " ended at " + position);
        continue;
      }
      if (position + n == end && !source.verified()) {
        // The bytes that complete the response wait for the whole blob's sha256 (what the streams
        // did not hash on the way, the store hashes now): a client never sees a complete body that
        // does not match its digest.
        transfer.awaitVerdict(size);
      }
      position += n;
      return n;
    }
  }

  private void moveOn(String why) throws IOException {
    String from = source.describe();
    closeSource();
    if (++changes > MAX_SOURCE_CHANGES) {
      throw new BlobReadException(
          new MirrorStorageException(
              "streaming blob "
                  + transfer.digest()
                  + " gave up at offset "
                  + position
                  + " after "
                  + changes
                  + " changes of source; last: "
                  + why));
    }
    log.atInfo()
        .addKeyValue("digest", transfer.digest())
        .log("stream at offset {} leaves {}: {}", position, from, why);
  }

  private void closeSource() {
    if (source != null) {
      try {
        source.close();
      } catch (IOException e) {
        // Read-only: nothing to lose.
      }
      source = null;
    }
  }

  /** Position of the next byte, for tests and logs. */
  long position() {
    return position;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeSource();
    lease.close();
  }
}
