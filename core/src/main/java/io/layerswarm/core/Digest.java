package io.layerswarm.core;

import java.util.regex.Pattern;

/**
 * A content digest, {@code algorithm:hex} (OCI image spec, "Digests"). Only sha256 is accepted: it
 * is what registries use for blobs and manifests, and what we verify.
 */
public record Digest(String algorithm, String hex) {
  private static final Pattern SHA256_HEX = Pattern.compile("[a-f0-9]{64}");

  public Digest {
    if (!"sha256".equals(algorithm)) {
      throw new IllegalArgumentException("unsupported digest algorithm: " + algorithm);
    }
    if (hex == null || !SHA256_HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException("sha256 digest must be 64 lowercase hex characters");
    }
  }

  /** Parses {@code sha256:<64 hex>}; throws IllegalArgumentException naming the problem. */
  public static Digest parse(String value) {
    if (value == null) {
      throw new IllegalArgumentException("digest is missing");
    }
    int colon = value.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("digest must look like sha256:<hex>: " + value);
    }
    return new Digest(value.substring(0, colon), value.substring(colon + 1));
  }

  public static Digest sha256(byte[] content) {
    try {
      byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(content);
      return new Digest("sha256", java.util.HexFormat.of().formatHex(hash));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }
}
