package io.layerswarm.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** sha256 helpers; digests are always in OCI form {@code sha256:<64 lowercase hex>}. */
public final class Digests {

  private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

  private Digests() {}

  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JRE must provide SHA-256", e);
    }
  }

  public static String sha256(byte[] bytes) {
    return format(newSha256().digest(bytes));
  }

  public static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return sha256(in);
    }
  }

  /** Hashes the remaining stream without closing it. */
  public static String sha256(InputStream in) throws IOException {
    MessageDigest md = newSha256();
    byte[] buf = new byte[64 * 1024];
    for (int n; (n = in.read(buf)) >= 0; ) {
      md.update(buf, 0, n);
    }
    return format(md.digest());
  }

  public static String format(byte[] sha256) {
    return "sha256:" + HexFormat.of().formatHex(sha256);
  }

  /** The hex part, which is how skopeo's dir: transport and registries' storage name blob files. */
  public static String hex(String digest) {
    requireSha256(digest);
    return digest.substring("sha256:".length());
  }

  public static String requireSha256(String digest) {
    if (digest == null || !SHA256.matcher(digest).matches()) {
      throw new IllegalArgumentException(
          "not a sha256 digest (expected sha256:<64 lowercase hex>): " + digest);
    }
    return digest;
  }
}
