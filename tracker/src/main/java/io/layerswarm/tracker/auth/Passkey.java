package io.layerswarm.tracker.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;

/**
 * The cluster passkey ({@code tracker.passkey}): a shared secret that announces and scrapes must
 * carry as the first path segment, {@code /<passkey>/announce}, so hosts outside the cluster cannot
 * join or list the swarms. 16..128 characters of {@code A-Z a-z 0-9 . _ ~ -} (URL-safe, so it never
 * needs escaping).
 *
 * <p>{@link #matches} compares in constant time: both sides are hashed with SHA-256 first, so the
 * time depends neither on where they differ nor on the secret's length. {@link #toString} never
 * shows the secret.
 */
public final class Passkey {
  private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9._~-]{16,128}");
  private final String value;
  private final byte[] hash;

  private Passkey(String value) {
    this.value = value;
    this.hash = sha256(value);
  }

  /**
   * @throws IllegalArgumentException naming {@code tracker.passkey} if the format is wrong
   */
  public static Passkey of(String value) {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "tracker.passkey must be 16..128 characters of A-Z a-z 0-9 . _ ~ -"
              + (value == null ? "" : ", got " + value.length() + " characters"));
    }
    return new Passkey(value);
  }

  /** Whether {@code candidate} (a path segment, already percent-decoded) is this passkey. */
  public boolean matches(String candidate) {
    return MessageDigest.isEqual(sha256(candidate), hash);
  }

  /** The secret itself, e.g. to build announce URLs. */
  public String value() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Passkey other && MessageDigest.isEqual(hash, other.hash);
  }

  @Override
  public int hashCode() {
    return hash[0] << 24 | (hash[1] & 0xff) << 16 | (hash[2] & 0xff) << 8 | (hash[3] & 0xff);
  }

  @Override
  public String toString() {
    return "Passkey[redacted]";
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
