package io.layerswarm.core.disk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The size and free space of the file system a daemon keeps its data on: the seam that lets the
 * free-space floor be tested without filling a disk. {@link #of} is the real one.
 */
public interface DiskSpace {
  /** Bytes this process may still write (what {@code df} shows as available). */
  long usableBytes();

  /** The file system's size in bytes. */
  long totalBytes();

  /** The file system holding {@code directory}, which must exist. */
  static DiskSpace of(Path directory) throws IOException {
    FileStore store = Files.getFileStore(directory);
    return new DiskSpace() {
      @Override
      public long usableBytes() {
        try {
          return store.getUsableSpace();
        } catch (IOException e) {
          throw new UncheckedIOException("reading the free space of " + directory, e);
        }
      }

      @Override
      public long totalBytes() {
        try {
          return store.getTotalSpace();
        } catch (IOException e) {
          throw new UncheckedIOException("reading the size of " + directory, e);
        }
      }

      @Override
      public String toString() {
        return "the file system of " + directory;
      }
    };
  }
}
