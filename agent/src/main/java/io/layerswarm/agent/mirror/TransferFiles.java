package io.layerswarm.agent.mirror;

import io.layerswarm.core.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one transfer writes before the store adopts the blob, all in the partial directory (the
 * store's file system, so adopting is a rename).
 *
 * @param part the swarm download while it runs
 * @param done the swarm download once complete (the engine renames {@code part} to it)
 * @param origin the origin copy
 */
record TransferFiles(Path part, Path done, Path origin) {
  private static final Logger log = LoggerFactory.getLogger(TransferFiles.class);

  static TransferFiles of(Path partialDir, Digest digest) {
    return new TransferFiles(
        partialDir.resolve(digest.hex() + ".part"),
        partialDir.resolve(digest.hex() + ".done"),
        partialDir.resolve(digest.hex() + ".origin"));
  }

  /**
   * Deletes {@code file} if it is there. A failure is only logged: the file costs disk space until
   * the agent's next start clears the partial directory.
   */
  static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("could not delete {}: {}", file, e.toString());
    }
  }
}
