package io.layerswarm.core.auth;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A static bearer token read from a file, for callers that cannot sign requests: the registry's
 * notification webhook ({@code seeder.notifications-token-file}) sends a fixed {@code
 * Authorization: Bearer <token>} header. At least {@value #MIN_BYTES} bytes of printable ASCII
 * without spaces. {@link #matches} compares in constant time; {@link #toString} hides the token.
 */
public final class BearerToken {
  /** The shortest token accepted. */
  public static final int MIN_BYTES = 16;

  private static final String SCHEME = "Bearer ";
  private final byte[] hash;

  private BearerToken(byte[] token) {
    this.hash = sha256(token);
  }

  /**
   * @param key the config key naming the file, for messages
   * @throws SecretFileException naming the file and the fix
   */
  public static BearerToken load(Path file, String key) throws SecretFileException {
    byte[] token = SecretFile.read(file, key, MIN_BYTES);
    try {
      for (byte b : token) {
        if (b <= 0x20 || b >= 0x7f) {
          throw new SecretFileException(
              key
                  + " "
                  + file
                  + " must hold printable ASCII without spaces (it is sent in a header): e.g."
                  + " head -c 32 /dev/urandom | base64 > "
                  + file);
        }
      }
      return new BearerToken(token);
    } finally {
      Arrays.fill(token, (byte) 0);
    }
  }

  /**
   * @throws IllegalArgumentException if shorter than {@value #MIN_BYTES} or not printable ASCII
   */
  public static BearerToken of(String token) {
    if (token == null
        || token.length() < MIN_BYTES
        || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException(
          "a bearer token is at least " + MIN_BYTES + " printable ASCII characters, no spaces");
    }
    return new BearerToken(token.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Whether an {@code Authorization} header value is {@code Bearer <this token>}; null is no.
   * Constant time: both sides are hashed first, so the time depends neither on where they differ
   * nor on the token's length.
   */
  public boolean matches(String authorization) {
    if (authorization == null
        || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return false;
    }
    byte[] offered =
        authorization.substring(SCHEME.length()).trim().getBytes(StandardCharsets.ISO_8859_1);
    return MessageDigest.isEqual(sha256(offered), hash);
  }

  @Override
  public String toString() {
    return "BearerToken[redacted]";
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
