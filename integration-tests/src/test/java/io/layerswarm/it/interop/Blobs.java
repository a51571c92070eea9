package io.layerswarm.it.interop;

import io.layerswarm.testbed.Digests;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Random, incompressible test blobs, stored under their sha256 hex the way a LayerSwarm seeder
 * names a blob (the torrent's info name is the digest hex).
 */
public final class Blobs {

  private static final int CHUNK = 1 << 20;

  private Blobs() {}

  /**
   * Writes {@code size} pseudo-random bytes (deterministic for {@code seed}) to {@code dir/<sha256
   * hex>} and returns that path.
   */
  public static Path random(Path dir, long size, long seed) throws IOException {
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "blob-", ".tmp");
    MessageDigest sha256 = Digests.newSha256();
    SplittableRandom random = new SplittableRandom(seed);
    byte[] chunk = new byte[CHUNK];
    try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), sha256)) {
      long left = size;
      while (left > 0) {
        int n = (int) Math.min(chunk.length, left);
        random.nextBytes(chunk);
        out.write(chunk, 0, n);
        left -= n;
      }
    }
    Path blob = dir.resolve(HexFormat.of().formatHex(sha256.digest()));
    return Files.move(tmp, blob, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The sha256 of a file as 64 lowercase hex characters. */
  public static String sha256Hex(Path file) throws IOException {
    return Digests.hex(Digests.sha256(file));
  }
}
