package io.layerswarm.agent;

import io.layerswarm.core.SetupException;
import io.layerswarm.core.disk.DataDirLock;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The agent's data directory at start: locked for this daemon, with {@code torrents/} for saved
 * metainfo and an empty {@code partial/} for swarm downloads.
 */
record AgentDataDir(Path partial, Path torrents) {

  /**
   * Locks {@code dataDir} (the lock is added to {@code started}) and prepares its folders.
   *
   * @throws DataDirLock.DataDirLockedException if another daemon uses the data directory
   * @throws SetupException if the daemon's user cannot write there
   */
  static AgentDataDir open(Path dataDir, List<AutoCloseable> started) throws IOException {
    Path partial = dataDir.resolve("partial");
    Path torrents = dataDir.resolve("torrents");
    try {
      // First, before partial downloads are cleared: another agent on this directory owns them.
      started.add(DataDirLock.acquire(dataDir, "agent.data-dir"));
      Files.createDirectories(torrents);
    } catch (AccessDeniedException e) {
      throw new SetupException(
          "agent.data-dir: cannot create "
              + e.getFile()
              + " (permission denied); make "
              + dataDir
              + " writable by the daemon's user (layerswarm), or set another agent.data-dir",
          e);
    }
    clearPartial(partial);
    return new AgentDataDir(partial, torrents);
  }

  /** Swarm downloads left from a previous run are not verified; start them afresh. */
  private static void clearPartial(Path partial) throws IOException {
    Files.createDirectories(partial);
    try (DirectoryStream<Path> stale = Files.newDirectoryStream(partial)) {
      for (Path file : stale) {
        if (Files.isRegularFile(file)) {
          Files.delete(file);
        }
      }
    }
  }
}
