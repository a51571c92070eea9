package io.layerswarm.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Where a test-bed run keeps its registries' data and daemons' logs: under the directory named by
 * the system property {@code layerswarm.testbed.dir} (failsafe sets it to {@code target/testbed})
 * so logs survive a failed IT, otherwise under java.io.tmpdir.
 */
public final class TestbedDirs {

  public static final String PROPERTY = "layerswarm.testbed.dir";
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private TestbedDirs() {}

  /** A new, empty directory {@code <root>/<name>-<timestamp>-<random>}. */
  public static Path create(String name) throws IOException {
    String configured = System.getProperty(PROPERTY);
    Path root =
        configured != null && !configured.isBlank()
            ? Path.of(configured)
            : Path.of(System.getProperty("java.io.tmpdir"), "layerswarm-testbed");
    Files.createDirectories(root);
    return Files.createTempDirectory(root, name + "-" + LocalDateTime.now().format(STAMP) + "-");
  }
}
