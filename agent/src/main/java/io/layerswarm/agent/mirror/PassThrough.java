package io.layerswarm.agent.mirror;

import io.layerswarm.agent.mirror.UpstreamErrors.Subject;
import io.layerswarm.core.Digest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.BlobStream;
import io.layerswarm.registry.client.DigestMismatchException;
import io.layerswarm.registry.client.RegistryException;
import io.layerswarm.registry.client.StallWatchdog;
import java.io.IOException;
import java.io.InputStream;

/**
 * A blob streamed from the origin straight to one response and stored nowhere: what the agent does
 * when its data file system has no room for the blob above its free-space floor, even after
 * evicting what it could, so a full disk costs the swarm's help, never the pull. The body is read
 * from its first byte whatever range the client asked for, because only the whole body can be
 * checked: the upstream stream hashes it, and the bytes that end the response wait until its end
 * matched the digest ({@link #awaitVerdict}), as for any stream.
 *
 * <p>Used by the one reader of its {@link LiveBlob}, on that reader's thread. Every failure is
 * final ({@link BlobReadException}): there is no other source to move on to.
 */
final class PassThrough implements LiveTransfer {
  private static final int SKIP_BUFFER_BYTES = 64 * 1024;

  private final Digest digest;
  private final String origin;
  private final BlobStream stream;
  private final StallWatchdog watchdog;
  private final OriginLimits limits;
  private final FetchCounters counters;
  private long consumed;

  private PassThrough(
      Digest digest,
      String origin,
      BlobStream stream,
      OriginLimits limits,
      FetchCounters counters) {
    this.digest = digest;
    this.origin = origin;
    this.stream = stream;
    this.limits = limits;
    this.counters = counters;
    this.watchdog =
        StallWatchdog.start(limits.stallTimeout(), limits.minBytesPerSecond(), stream.body());
  }

  /** Opens the blob at the origin, from its first byte. Blocks on the upstream's answer. */
  static PassThrough open(
      UpstreamChoice upstream,
      RepositoryName repo,
      Digest digest,
      OriginLimits limits,
      FetchCounters counters)
      throws MirrorException {
    try {
      return new PassThrough(
          digest,
          upstream.describe(),
          upstream.registry().openBlob(repo, digest, 0),
          limits,
          counters);
    } catch (RegistryException e) {
      throw UpstreamErrors.translate(
          e,
          Subject.BLOB,
          "passing blob " + digest + " of " + repo + " through",
          upstream.describe());
    }
  }

  /** The blob's size as the origin declared it. */
  long size() {
    return stream.size();
  }

  @Override
  public Digest digest() {
    return digest;
  }

  @Override
  public Source sourceAt(long position, long expectedSize) throws IOException {
    if (stream.size() != expectedSize) {
      throw failed(
          new BlobVerificationException(
              "blob "
                  + digest
                  + " has "
                  + stream.size()
                  + " bytes at origin "
                  + origin
                  + ", not "
                  + expectedSize));
    }
    return new Source() {
      @Override
      public int read(byte[] b, int off, int len, long at) throws IOException {
        skipTo(at);
        int n = readBody(b, off, len);
        if (n < 0) {
          throw failed(
              new UpstreamUnavailableException(
                  "passing blob " + digest + " through: origin " + origin + " ended at " + at));
        }
        return n;
      }

      @Override
      public boolean verified() {
        return false;
      }

      @Override
      public String describe() {
        return "the origin, passed through";
      }

      @Override
      public void close() throws IOException {
        watchdog.close();
        stream.close();
      }
    };
  }

  /** Reads the rest of the body: its end is where the upstream stream checks the sha256. */
  @Override
  public void awaitVerdict(long expectedSize) throws IOException {
    byte[] rest = new byte[SKIP_BUFFER_BYTES];
    while (readBody(rest, 0, rest.length) >= 0) {
      // Discarded: only a range of the blob goes to the client.
    }
  }

  private void skipTo(long position) throws IOException {
    byte[] skipped = new byte[SKIP_BUFFER_BYTES];
    while (consumed < position) {
      int n = readBody(skipped, 0, (int) Math.min(skipped.length, position - consumed));
      if (n < 0) {
        throw failed(
            new UpstreamUnavailableException(
                "passing blob " + digest + " through: origin " + origin + " ended at " + consumed));
      }
    }
  }

  private int readBody(byte[] b, int off, int len) throws IOException {
    InputStream body = stream.body();
    int n;
    try {
      n = body.read(b, off, len);
    } catch (DigestMismatchException e) {
      throw failed(
          new BlobVerificationException(
              "blob "
                  + digest
                  + " from origin "
                  + origin
                  + " failed verification: "
                  + e.getMessage(),
              e));
    } catch (IOException e) {
      throw failed(
          new UpstreamUnavailableException(
              "passing blob "
                  + digest
                  + " through from origin "
                  + origin
                  + " failed after "
                  + consumed
                  + " bytes: "
                  + (watchdog.fired() ? limits.describe() : e.toString()),
              e));
    }
    if (n > 0) {
      consumed += n;
      watchdog.progressed(n);
      counters.originBytes(n);
    }
    return n;
  }

  private BlobReadException failed(MirrorException reason) {
    watchdog.close();
    try {
      stream.close();
    } catch (IOException e) {
      // Failing anyway.
    }
    return new BlobReadException(reason);
  }
}
