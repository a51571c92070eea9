package io.layerswarm.core.auth;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * The secret every cluster member (tracker, seeder, agent) shares, from the file named by {@code
 * cluster.secret-file}. It is never used directly and never sent: each use has its own key, derived
 * as {@code HMAC-SHA256(secret, purpose label)} ({@link #key(KeyPurpose)}).
 *
 * <p>At least {@value #MIN_BYTES} bytes (after trailing white space), from a file of mode 0600,
 * 0640, 0400 or 0440. {@link #toString} never shows it. Immutable and thread-safe.
 */
public final class ClusterSecret {
  /** The shortest secret accepted: 256 bits, the size of an HMAC-SHA256 key. */
  public static final int MIN_BYTES = 32;

  /** The config key that names the secret file. */
  public static final String KEY = "cluster.secret-file";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<KeyPurpose, ClusterKey> keys = new EnumMap<>(KeyPurpose.class);

  private ClusterSecret(byte[] secret) {
    for (KeyPurpose purpose : KeyPurpose.values()) {
      keys.put(purpose, ClusterKey.derive(secret, purpose));
    }
  }

  /**
   * Reads the secret from {@code file}.
   *
   * @throws SecretFileException naming the file and the fix when it is missing, unreadable,
   *     readable by others, shorter than {@value #MIN_BYTES} bytes or larger than 4 KiB
   */
  public static ClusterSecret load(Path file) throws SecretFileException {
    byte[] secret = SecretFile.read(file, KEY, MIN_BYTES);
    try {
      return new ClusterSecret(secret);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /** A fresh random secret, for one process that is the whole cluster ({@code all-in-one}). */
  public static ClusterSecret random() {
    byte[] secret = new byte[MIN_BYTES];
    RANDOM.nextBytes(secret);
    return of(secret);
  }

  /**
   * A secret from bytes, e.g. in tests.
   *
   * @throws IllegalArgumentException if shorter than {@value #MIN_BYTES} bytes
   */
  public static ClusterSecret of(byte[] secret) {
    if (secret == null || secret.length < MIN_BYTES) {
      throw new IllegalArgumentException("a cluster secret needs at least " + MIN_BYTES + " bytes");
    }
    return new ClusterSecret(secret.clone());
  }

  /** The key for one purpose; the same for every member that loaded the same secret. */
  public ClusterKey key(KeyPurpose purpose) {
    return keys.get(purpose);
  }

  @Override
  public String toString() {
    return "ClusterSecret[redacted]";
  }
}
