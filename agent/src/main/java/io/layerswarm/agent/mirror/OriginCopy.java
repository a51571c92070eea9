package io.layerswarm.agent.mirror;

import io.layerswarm.agent.mirror.UpstreamErrors.Subject;
import io.layerswarm.core.Digest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.BlobStream;
import io.layerswarm.registry.client.DigestMismatchException;
import io.layerswarm.registry.client.RegistryException;
import io.layerswarm.registry.client.StallWatchdog;
import io.layerswarm.swarm.Torrent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings one blob into the store from its origin, resuming where an abandoned swarm download
 * stopped: the verified pieces at the start of that download are copied first, then the rest comes
 * from the origin with a Range request from there (or, from an origin that ignores Range, the whole
 * blob, skipping what the swarm gave). The file is forced to disk, and the store adopts it,
 * checking the sha256 of the whole.
 *
 * <p>Runs on the transfer executor, one copy per transfer. It tells its {@link Listener} the size,
 * every committed byte count and the start of verification, so readers can stream the file while it
 * grows.
 */
final class OriginCopy {
  private static final Logger log = LoggerFactory.getLogger(OriginCopy.class);
  private static final int BUFFER_BYTES = 64 * 1024;

  /** What the transfer learns while the copy runs; called on the copy's thread. */
  interface Listener {
    /** The origin said the blob's size. */
    void sized(long size);

    /** The first {@code bytes} of the file are written. */
    void committed(long bytes);

    /** The file is complete; the store checks it now. */
    void verifying();

    /**
     * The copy failed, and its file is deleted next: called first, so readers stop reading the file
     * (and wait for the transfer's outcome) before it is gone.
     */
    void failed();
  }

  private final FetchContext context;
  private final Digest digest;
  private final RepositoryName repo;
  private final UpstreamChoice upstream;
  private final TransferFiles files;
  private final Listener listener;
  private long copied;

  OriginCopy(
      FetchContext context,
      Digest digest,
      RepositoryName repo,
      UpstreamChoice upstream,
      TransferFiles files,
      Listener listener) {
    this.context = context;
    this.digest = digest;
    this.repo = repo;
    this.upstream = upstream;
    this.files = files;
    this.listener = listener;
  }

  /**
   * Copies the blob into the origin file, after the verified start of {@code abandoned} (a swarm
   * download that stalled, or null), and has the store adopt it. The origin file is gone
   * afterwards, adopted or deleted.
   *
   * @throws MirrorException naming what failed: the upstream, the verification, the local disk
   */
  void run(Torrent abandoned) throws MirrorException {
    long prefix = 0;
    try {
      try {
        Files.createDirectories(context.partialDir());
      } catch (IOException e) {
        throw new MirrorStorageException("creating " + context.partialDir() + " failed: " + e, e);
      }
      try (FileChannel out =
          FileChannel.open(
              files.origin(),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        if (abandoned != null) {
          context.swarm().remove(abandoned.infoHash());
          prefix = copyVerifiedPrefix(abandoned, out);
          // Only the verified start is kept: pieces after a gap are dropped, and fetched again.
          context.counters().swarmBytes(prefix);
          TransferFiles.deleteQuietly(files.part());
          TransferFiles.deleteQuietly(files.done());
        }
        copyRest(out, prefix);
        // Durable before it enters the store: after a crash a stored blob is never partial.
        out.force(true);
      } catch (IOException e) {
        throw MirrorStorageException.writing("writing blob " + digest + " to " + files.origin(), e);
      }
      adopt(prefix);
    } catch (MirrorException e) {
      if (e instanceof BlobVerificationException) {
        context.counters().originVerificationFailed();
      }
      listener.failed();
      deleteLeftovers();
      throw e;
    } catch (RuntimeException e) {
      listener.failed();
      deleteLeftovers();
      throw new UpstreamUnavailableException(
          "fetching " + digest + " from origin " + upstream.describe() + " failed: " + e, e);
    }
    context.counters().storedFromOrigin();
    log.atInfo()
        .addKeyValue("digest", digest)
        .log(
            "{} bytes from origin {}{} verified and cached",
            copied,
            upstream.describe(),
            prefix > 0 ? " after " + prefix + " bytes from the swarm" : "");
  }

  /**
   * After a failure: nothing half-written stays behind, neither the origin file nor what an
   * abandoned swarm download left (a failed prefix copy, a full disk).
   */
  private void deleteLeftovers() {
    TransferFiles.deleteQuietly(files.origin());
    TransferFiles.deleteQuietly(files.part());
    TransferFiles.deleteQuietly(files.done());
  }

  /** The store checks the sha256 of the origin copy and takes it. */
  private void adopt(long prefix) throws MirrorException {
    listener.verifying();
    try {
      context.store().adopt(digest, files.origin());
    } catch (DigestMismatchException e) {
      if (prefix > 0) {
        // The swarm's pieces may be the bad part.
        context.refusals().refuse(digest, context.clock().instant());
      }
      throw new BlobVerificationException(
          "blob "
              + digest
              + " from origin "
              + upstream.describe()
              + (prefix > 0 ? " (first " + prefix + " bytes from the swarm)" : "")
              + " failed verification: "
              + e.getMessage(),
          e);
    } catch (IOException e) {
      throw MirrorStorageException.writing("storing blob " + digest, e);
    }
  }

  /**
   * Copies the verified pieces at the start of an abandoned download into {@code out}. Only bytes
   * the engine has verified are read (the stream never blocks: it reads what {@code available()}
   * reports). A failure to read just ends the prefix early.
   *
   * @return the bytes copied
   */
  private long copyVerifiedPrefix(Torrent abandoned, FileChannel out) throws IOException {
    InputStream in;
    try {
      in = abandoned.openStream(0);
    } catch (RuntimeException e) {
      log.atDebug()
          .addKeyValue("digest", digest)
          .log("cannot read the abandoned swarm download: {}", e.toString());
      return 0;
    }
    long written = 0;
    byte[] buffer = new byte[BUFFER_BYTES];
    try {
      while (true) {
        int n;
        try {
          int available = in.available();
          if (available <= 0) {
            break;
          }
          n = in.read(buffer, 0, Math.min(buffer.length, available));
        } catch (IOException | RuntimeException e) {
          log.atDebug()
              .addKeyValue("digest", digest)
              .log("verified swarm prefix ends at {}: {}", written, e.toString());
          break;
        }
        if (n <= 0) {
          break;
        }
        writeFully(out, buffer, n, written);
        written += n;
        listener.committed(written);
      }
    } finally {
      try {
        in.close();
      } catch (IOException e) {
        // Read-only stream of a removed torrent.
      }
    }
    return written;
  }

  /** Copies the blob from the origin into {@code out} from {@code prefix} on, to its end. */
  private void copyRest(FileChannel out, long prefix) throws MirrorException, IOException {
    String action =
        "fetching blob " + digest + " of " + repo + (prefix > 0 ? " from offset " + prefix : "");
    long skip = 0;
    BlobStream in;
    try {
      in = upstream.registry().openBlob(repo, digest, prefix);
    } catch (RegistryException e) {
      if (prefix == 0 || e.httpStatus() != 200) {
        throw UpstreamErrors.translate(e, Subject.BLOB, action, upstream.describe());
      }
      // The upstream ignores Range: take the whole blob and skip what the swarm gave.
      log.atInfo()
          .addKeyValue("digest", digest)
          .log(
              "origin {} ignores Range; fetching from 0 and skipping {} bytes",
              upstream.describe(),
              prefix);
      try {
        in = upstream.registry().openBlob(repo, digest, 0);
      } catch (RegistryException again) {
        throw UpstreamErrors.translate(again, Subject.BLOB, action, upstream.describe());
      }
      skip = prefix;
    }
    OriginLimits limits = context.origin();
    try (BlobStream body = in;
        StallWatchdog watchdog =
            StallWatchdog.start(limits.stallTimeout(), limits.minBytesPerSecond(), body.body())) {
      long size = body.size();
      if (prefix > size) {
        context.refusals().refuse(digest, context.clock().instant());
        throw new BlobVerificationException(
            "blob "
                + digest
                + ": the swarm delivered "
                + prefix
                + " bytes but origin "
                + upstream.describe()
                + " says it has "
                + size);
      }
      listener.sized(size);
      copy(body.body(), out, prefix, skip, size, action, watchdog);
    } catch (DigestMismatchException e) {
      throw new BlobVerificationException(
          "blob "
              + digest
              + " from origin "
              + upstream.describe()
              + " failed verification: "
              + e.getMessage(),
          e);
    }
  }

  private void copy(
      InputStream in,
      FileChannel out,
      long position,
      long skip,
      long size,
      String action,
      StallWatchdog watchdog)
      throws IOException, MirrorException {
    byte[] buffer = new byte[BUFFER_BYTES];
    long toSkip = skip;
    while (true) {
      int n;
      try {
        n = in.read(buffer);
      } catch (DigestMismatchException e) {
        throw e;
      } catch (IOException e) {
        if (watchdog.fired()) {
          throw new UpstreamUnavailableException(
              action
                  + ": gave up after "
                  + copied
                  + " bytes: "
                  + context.origin().describe()
                  + ", origin "
                  + upstream.describe(),
              e);
        }
        throw new UpstreamUnavailableException(
            action
                + " from origin "
                + upstream.describe()
                + " failed after "
                + copied
                + " bytes: "
                + e,
            e);
      }
      if (n < 0) {
        break;
      }
      watchdog.progressed(n);
      copied += n;
      context.counters().originBytes(n);
      int from = 0;
      if (toSkip > 0) {
        from = (int) Math.min(n, toSkip);
        toSkip -= from;
      }
      if (from < n) {
        if (from > 0) {
          System.arraycopy(buffer, from, buffer, 0, n - from);
        }
        writeFully(out, buffer, n - from, position);
        position += n - from;
        listener.committed(position);
      }
    }
    if (position != size) {
      throw new UpstreamUnavailableException(
          action
              + " from origin "
              + upstream.describe()
              + " ended at byte "
              + position
              + " of "
              + size);
    }
  }

  private static void writeFully(FileChannel out, byte[] buffer, int length, long position)
      throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, length);
    while (bytes.hasRemaining()) {
      out.write(bytes, position + bytes.position());
    }
  }
}
