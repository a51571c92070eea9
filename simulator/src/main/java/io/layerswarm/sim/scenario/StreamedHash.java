package io.layerswarm.sim.scenario;

/**
 * The agent's sha256 of one swarm download in virtual time (decision 36): it follows the verified
 * in-order prefix at {@code bytesPerSecond}, as the client's stream reads it, so after the last
 * piece only the bytes it has not reached remain to hash. Pure: the owner tells it when the prefix
 * grew and asks what is left.
 */
final class StreamedHash {
  private final double bytesPerNano;
  private long hashed;
  private long prefix;
  private long at;

  StreamedHash(double bytesPerSecond, long startNanos) {
    if (!(bytesPerSecond > 0)) {
      throw new IllegalArgumentException("rate must be > 0: " + bytesPerSecond);
    }
    this.bytesPerNano = bytesPerSecond / 1e9;
    this.at = startNanos;
  }

  /** The in-order prefix has {@code bytes} at {@code nowNanos}. */
  void prefix(long bytes, long nowNanos) {
    advance(nowNanos);
    prefix = Math.max(prefix, bytes);
  }

  /** Bytes hashed by {@code nowNanos}. */
  long hashed(long nowNanos) {
    advance(nowNanos);
    return hashed;
  }

  /** From {@code nowNanos}, when the download of {@code size} bytes completed, to the verdict. */
  long remainingNanos(long size, long nowNanos) {
    advance(nowNanos);
    return (long) Math.ceil((size - hashed) / bytesPerNano);
  }

  /** Hashes what the prefix held since the last call; time with nothing to hash is not banked. */
  private void advance(long nowNanos) {
    if (nowNanos > at) {
      hashed = Math.min(prefix, hashed + (long) ((nowNanos - at) * bytesPerNano));
      at = nowNanos;
    }
  }
}
