package io.layerswarm.testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/** Secret files as an admin makes them: random, base64, mode 0600. */
public final class SecretFiles {
  private static final SecureRandom RANDOM = new SecureRandom();

  private SecretFiles() {}

  /**
   * Writes {@code bytes} random bytes, base64-encoded with a final newline, to {@code file} (mode
   * 0600), as {@code head -c <bytes> /dev/urandom | base64 > file} does; returns the file.
   */
  public static Path random(Path file, int bytes) throws IOException {
    byte[] secret = new byte[bytes];
    RANDOM.nextBytes(secret);
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(
        file, Base64.getEncoder().encodeToString(secret) + "\n", StandardCharsets.US_ASCII);
    return file;
  }

  /** A cluster secret file: 32 random bytes. */
  public static Path clusterSecret(Path file) throws IOException {
    return random(file, 32);
  }

  /** The secret as the daemons read it: the file's text without the final newline. */
  public static String content(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.US_ASCII).strip();
  }
}
