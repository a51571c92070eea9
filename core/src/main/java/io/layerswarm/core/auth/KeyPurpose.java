package io.layerswarm.core.auth;

import java.nio.charset.StandardCharsets;

/**
 * What a key derived from the {@link ClusterSecret} is for. Each purpose has its own label, so a
 * key that leaks from one use (say, a peer-wire MAC on a host that logs too much) gives nothing for
 * the other.
 */
public enum KeyPurpose {
  /** Signing HTTP requests between members ({@link HttpSignature}). */
  HTTP("layerswarm http v1"),
  /** Proving membership on the BitTorrent peer wire (the handshake extension). */
  PEER("layerswarm peer v1");

  private final String label;

  KeyPurpose(String label) {
    this.label = label;
  }

  /** The HMAC input the key is derived with: {@code HMAC-SHA256(secret, label)}. */
  public String label() {
    return label;
  }

  byte[] labelBytes() {
    return label.getBytes(StandardCharsets.US_ASCII);
  }
}
