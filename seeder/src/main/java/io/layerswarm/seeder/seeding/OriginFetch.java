package io.layerswarm.seeder.seeding;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.BlobStream;
import io.layerswarm.registry.client.BlobUnknownException;
import io.layerswarm.registry.client.DigestMismatchException;
import io.layerswarm.registry.client.RegistryException;
import io.layerswarm.registry.client.StallWatchdog;
import io.layerswarm.registry.client.UpstreamRegistry;
import io.layerswarm.registry.store.BlobStore;
import io.layerswarm.registry.store.BlobWriter;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one blob from an upstream registry into the blob store. The store verifies the sha256 on
 * commit (and the upstream stream verifies it while it is read), so a blob is either stored whole
 * and verified or not at all. Runs on the calling thread; a stall longer than the origin timeout
 * aborts the copy.
 */
public final class OriginFetch {
  private static final Logger log = LoggerFactory.getLogger(OriginFetch.class);
  private static final int BUFFER_BYTES = 64 * 1024;

  private final BlobStore blobs;
  private final Duration stallTimeout;
  private final long minBytesPerSecond;
  private final LongAdder originBytes = new LongAdder();
  private volatile DiskRoom room = bytes -> true;

  /**
   * Whether a blob about to be fetched fits above the data file system's free-space floor, after
   * evicting what may go (the evictor answers).
   */
  @FunctionalInterface
  public interface DiskRoom {
    boolean makeRoom(long bytes) throws IOException;
  }

  /**
   * @param stallTimeout a period that must bring {@code minBytesPerSecond} times its length, and a
   *     byte at least
   */
  OriginFetch(BlobStore blobs, Duration stallTimeout, long minBytesPerSecond) {
    this.blobs = blobs;
    this.stallTimeout = stallTimeout;
    this.minBytesPerSecond = minBytesPerSecond;
  }

  void useRoom(DiskRoom room) {
    this.room = room;
  }

  /** Bytes received from origins so far, including those of failed fetches. */
  long originBytes() {
    return originBytes.sum();
  }

  /**
   * Fetches {@code digest} from {@code repo} on {@code upstream} (configured as {@code registry}).
   */
  void fetch(UpstreamRegistry upstream, String registry, RepositoryName repo, Digest digest)
      throws SeederException {
    String action = "fetch " + digest + " from " + registry + "/" + repo;
    BlobStream stream;
    try {
      stream = upstream.openBlob(repo, digest, 0);
    } catch (RegistryException e) {
      if (e instanceof BlobUnknownException || e.httpStatus() == 404) {
        throw new UpstreamBlobUnknownException(action + ": the upstream has no such blob", e);
      }
      throw new OriginFetchException(action + " failed: " + e.getMessage(), e);
    }
    log.atInfo()
        .addKeyValue("digest", digest)
        .log("fetching {} bytes from {}/{}", stream.size(), registry, repo);
    store(stream, digest, action, true);
    log.atInfo()
        .addKeyValue("digest", digest)
        .log("stored {} bytes from {}/{}", stream.size(), registry, repo);
  }

  /**
   * Copies {@code digest} from another seeder's {@code stream} into the store, its sha256 checked
   * as from the origin. Its bytes do not count as origin bytes.
   */
  void copyFromPeer(BlobStream stream, Digest digest, String action) throws SeederException {
    store(stream, digest, action, false);
  }

  /** Makes room, copies and commits (verifying the digest); closes {@code stream}. */
  private void store(BlobStream stream, Digest digest, String action, boolean fromOrigin)
      throws SeederException {
    try {
      if (!room.makeRoom(Math.max(0, stream.size()))) {
        throw new SeedingException(
            action
                + ": no room for "
                + stream.size()
                + " bytes on the data file system above seeder.disk-free-min, after evicting"
                + " what was idle",
            null);
      }
    } catch (IOException e) {
      closeQuietly(stream);
      throw new SeedingException(action + ": making room for the blob failed: " + e, e);
    } catch (SeedingException e) {
      closeQuietly(stream);
      throw e;
    }

    BlobWriter writer;
    try {
      writer = blobs.create(digest);
    } catch (IOException e) {
      closeQuietly(stream);
      throw new SeedingException(action + ": cannot create the blob in the store: " + e, e);
    }
    boolean committed = false;
    try (StallWatchdog watchdog =
        StallWatchdog.start(stallTimeout, minBytesPerSecond, stream.body())) {
      long copied = copy(stream.body(), writer, watchdog, action, fromOrigin);
      if (stream.size() >= 0 && copied != stream.size()) {
        throw new OriginFetchException(
            action + ": the source sent " + copied + " bytes but declared " + stream.size(), null);
      }
      try {
        writer.commit();
        committed = true;
      } catch (DigestMismatchException e) {
        throw new OriginDigestMismatchException(action + ": " + e.getMessage(), e);
      } catch (IOException e) {
        throw new SeedingException(action + ": cannot commit the blob to the store: " + e, e);
      }
    } finally {
      if (!committed) {
        abortQuietly(writer, digest);
      }
      closeQuietly(stream);
    }
  }

  private long copy(
      InputStream in, BlobWriter writer, StallWatchdog watchdog, String action, boolean fromOrigin)
      throws SeederException {
    byte[] buffer = new byte[BUFFER_BYTES];
    long copied = 0;
    while (true) {
      int n;
      try {
        n = in.read(buffer);
      } catch (DigestMismatchException e) {
        throw new OriginDigestMismatchException(action + ": " + e.getMessage(), e);
      } catch (IOException e) {
        if (watchdog.fired()) {
          throw new OriginFetchException(
              action
                  + ": "
                  + (minBytesPerSecond > 0
                      ? "fewer than " + minBytesPerSecond + " bytes/s arrived"
                      : "no bytes arrived")
                  + " for "
                  + stallTimeout
                  + " (seeder.origin-timeout, seeder.origin-min-rate)",
              e);
        }
        throw new OriginFetchException(action + ": reading the blob body failed: " + e, e);
      }
      if (n < 0) {
        return copied;
      }
      watchdog.progressed(n);
      if (fromOrigin) {
        originBytes.add(n);
      }
      copied += n;
      try {
        writer.write(buffer, 0, n);
      } catch (IOException e) {
        throw new SeedingException(action + ": writing to the blob store failed: " + e, e);
      }
    }
  }

  private static void abortQuietly(BlobWriter writer, Digest digest) {
    try {
      writer.abort();
    } catch (RuntimeException e) {
      log.atWarn()
          .addKeyValue("digest", digest)
          .setCause(e)
          .log("could not discard the partial blob");
    }
  }

  private static void closeQuietly(BlobStream stream) {
    try {
      stream.close();
    } catch (IOException | RuntimeException e) {
      // Already done with it (or failed); nothing left to release that close could report.
    }
  }
}
