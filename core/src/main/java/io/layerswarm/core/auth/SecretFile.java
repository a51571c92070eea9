package io.layerswarm.core.auth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;

/**
 * Reads a secret from a file: the cluster secret and the seeder's notifications token. The file
 * must be a regular file that nobody but its owner (and its group, read only) may read, so mode
 * 0600, 0640, 0400 or 0440; trailing white space (a final newline) is not part of the secret.
 * Errors name the file, the key it was configured by and the fix; they never show its content.
 */
final class SecretFile {
  /** A secret file is small; reading stops past this. */
  static final int MAX_BYTES = 4096;

  private static final Set<PosixFilePermission> FORBIDDEN =
      Set.of(
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private SecretFile() {}

  /**
   * @param key the config key that names the file, for messages
   * @param minBytes the fewest bytes the secret may have (after trailing white space is cut)
   */
  static byte[] read(Path file, String key, int minBytes) throws SecretFileException {
    String where = key + " " + file;
    PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    try {
      if (!Files.isRegularFile(file)) {
        throw new SecretFileException(
            where
                + (Files.exists(file) ? " is not a regular file" : " does not exist")
                + ": create it with "
                + createHint(file, minBytes));
      }
      if (posix != null) {
        Set<PosixFilePermission> mode = posix.readAttributes().permissions();
        if (mode.stream().anyMatch(FORBIDDEN::contains)) {
          throw new SecretFileException(
              where
                  + " has mode "
                  + PosixFilePermissions.toString(mode)
                  + ", which lets others read or change it: run chmod 0640 "
                  + file
                  + " (or 0600)");
        }
      }
      byte[] bytes;
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes(MAX_BYTES + 1);
      }
      if (bytes.length > MAX_BYTES) {
        throw new SecretFileException(
            where + " is larger than " + MAX_BYTES + " bytes: it should hold only the secret");
      }
      int end = bytes.length;
      while (end > 0 && isWhiteSpace(bytes[end - 1])) {
        end--;
      }
      byte[] secret = Arrays.copyOf(bytes, end);
      Arrays.fill(bytes, (byte) 0);
      if (secret.length < minBytes) {
        int length = secret.length;
        Arrays.fill(secret, (byte) 0);
        throw new SecretFileException(
            where
                + " holds "
                + length
                + " bytes, fewer than the "
                + minBytes
                + " required: replace it with "
                + createHint(file, minBytes));
      }
      return secret;
    } catch (NoSuchFileException e) {
      throw new SecretFileException(
          where + " does not exist: create it with " + createHint(file, minBytes), e);
    } catch (AccessDeniedException e) {
      throw new SecretFileException(
          where
              + " cannot be read by this process: make it readable by the daemon's user or group"
              + " (e.g. chgrp layerswarm "
              + file
              + " && chmod 0640 "
              + file
              + ")",
          e);
    } catch (IOException e) {
      throw new SecretFileException(where + " cannot be read: " + e.getClass().getSimpleName(), e);
    }
  }

  private static boolean isWhiteSpace(byte b) {
    return b == '\n' || b == '\r' || b == ' ' || b == '\t';
  }

  private static String createHint(Path file, int minBytes) {
    return "head -c " + minBytes + " /dev/urandom | base64 > " + file + " && chmod 0640 " + file;
  }
}
