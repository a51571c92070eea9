package io.layerswarm.core.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * An exclusive lock on a daemon's data directory, held while the daemon runs: two agents (or two
 * seeders) on one directory would delete each other's partial downloads and seed each other's
 * files. The lock file holds the PID of its holder, so the refusal can name it. The operating
 * system releases the lock when the process dies, so a stale file never blocks a start.
 */
public final class DataDirLock implements AutoCloseable {
  /** The lock file's name, in the data directory. */
  public static final String FILE_NAME = "layerswarm.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Creates {@code directory} if needed and locks it.
   *
   * @param key the config key that names the directory, for the message
   * @throws DataDirLockedException if another process (or another daemon in this JVM) holds it
   * @throws IOException if the lock file cannot be opened or written
   */
  public static DataDirLock acquire(Path directory, String key) throws IOException {
    Files.createDirectories(directory);
    Path file = directory.resolve(FILE_NAME);
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // Held by this JVM, through another channel.
      }
      if (lock == null) {
        throw new DataDirLockedException(directory, key, holder(channel));
      }
      byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(pid), 0);
      channel.force(false);
      return new DataDirLock(channel, lock);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** The PID the holder wrote, if it is readable (it is written just after locking). */
  private static OptionalLong holder(FileChannel channel) {
    try {
      ByteBuffer buffer = ByteBuffer.allocate(32);
      channel.read(buffer, 0);
      String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
      return OptionalLong.of(Long.parseLong(text.strip()));
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** Releases the lock; the file stays (deleting it would race with the next daemon's lock). */
  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }

  /** The data directory is locked by another daemon. */
  public static final class DataDirLockedException extends IOException {
    private static final long serialVersionUID = 1L;

    DataDirLockedException(Path directory, String key, OptionalLong pid) {
      super(
          key
              + " "
              + directory
              + " is in use by another daemon"
              + (pid.isPresent() ? " (PID " + pid.getAsLong() + ")" : "")
              + ": stop it, or give this one its own "
              + key);
    }
  }
}
