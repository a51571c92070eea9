package io.layerswarm.core.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirLockTest {
  @TempDir Path dir;

  @Test
  void aSecondLockOnTheSameDirectoryIsRefusedWithTheDirectoryAndTheHoldersPid() throws Exception {
    try (DataDirLock first = DataDirLock.acquire(dir, "agent.data-dir")) {
      assertThatThrownBy(() -> DataDirLock.acquire(dir, "agent.data-dir"))
          .isInstanceOf(DataDirLock.DataDirLockedException.class)
          .hasMessageContaining("agent.data-dir " + dir)
          .hasMessageContaining("(PID " + ProcessHandle.current().pid() + ")");
    }
  }

  @Test
  void theLockIsFreeAgainOnceClosed() throws Exception {
    DataDirLock.acquire(dir, "seeder.data-dir").close();

    try (DataDirLock again = DataDirLock.acquire(dir, "seeder.data-dir")) {
      assertThat(Files.readString(dir.resolve(DataDirLock.FILE_NAME)).strip())
          .isEqualTo(Long.toString(ProcessHandle.current().pid()));
    }
  }

  @Test
  void aMissingDirectoryIsCreated() throws Exception {
    Path missing = dir.resolve("a/b");
    try (DataDirLock lock = DataDirLock.acquire(missing, "agent.data-dir")) {
      assertThat(missing.resolve(DataDirLock.FILE_NAME)).exists();
    }
  }
}
