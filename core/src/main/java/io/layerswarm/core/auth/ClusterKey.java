package io.layerswarm.core.auth;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One purpose's key, {@code HMAC-SHA256(cluster secret, purpose label)}, and the MAC it makes.
 *
 * <p>{@link #mac} authenticates a sequence of parts, each framed by its length (4 bytes, big
 * endian), so {@code ("ab", "c")} and {@code ("a", "bc")} never share a MAC. {@link #verify}
 * compares in constant time. The key bytes never leave this class; {@link #toString} hides them.
 * Immutable and thread-safe (each call makes its own {@link Mac}).
 *
 * <p><b>For the peer wire</b> ({@link KeyPurpose#PEER}): both sides call {@code mac} with the same
 * parts in the same order (for example the info hash, both nonces and both peer ids) and compare
 * with {@code verify}; the 32-byte result may be sent as is. A member without the secret cannot
 * make a valid MAC, and a MAC seen once is useless for other nonces.
 */
public final class ClusterKey {
  /** The length of every MAC: HMAC-SHA256. */
  public static final int MAC_BYTES = 32;

  private static final String ALGORITHM = "HmacSHA256";

  private final KeyPurpose purpose;
  private final SecretKeySpec key;

  private ClusterKey(KeyPurpose purpose, byte[] key) {
    this.purpose = purpose;
    this.key = new SecretKeySpec(key, ALGORITHM);
  }

  static ClusterKey derive(byte[] secret, KeyPurpose purpose) {
    byte[] derived = hmac(new SecretKeySpec(secret, ALGORITHM), purpose.labelBytes());
    try {
      return new ClusterKey(purpose, derived);
    } finally {
      Arrays.fill(derived, (byte) 0);
    }
  }

  public KeyPurpose purpose() {
    return purpose;
  }

  /** HMAC-SHA256 over the length-framed {@code parts}: {@value #MAC_BYTES} bytes. */
  public byte[] mac(byte[]... parts) {
    Mac mac = newMac(key);
    ByteBuffer length = ByteBuffer.allocate(Integer.BYTES);
    for (byte[] part : parts) {
      length.clear();
      mac.update(length.putInt(part.length).array());
      mac.update(part);
    }
    return mac.doFinal();
  }

  /** Whether {@code mac} is {@link #mac}{@code (parts)}; constant time in the MAC's content. */
  public boolean verify(byte[] mac, byte[]... parts) {
    return mac != null && mac.length == MAC_BYTES && MessageDigest.isEqual(mac(parts), mac);
  }

  @Override
  public String toString() {
    return "ClusterKey[" + purpose + ", redacted]";
  }

  private static byte[] hmac(SecretKeySpec key, byte[] data) {
    Mac mac = newMac(key);
    return mac.doFinal(data);
  }

  private static Mac newMac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
    }
  }
}
