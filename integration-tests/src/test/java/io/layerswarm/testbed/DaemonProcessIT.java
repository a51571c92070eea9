package io.layerswarm.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Starts a real child JVM (TinyHttpDaemon from the test classpath) the way the end-to-end ITs start
 * our daemons.
 */
class DaemonProcessIT {

  @Test
  void aChildJvmBecomesReadyOverHttpAndStopsCleanlyOnSigterm() throws Exception {
    Path dir = TestbedDirs.create("daemon-process-it");
    int port = FreePorts.pick();
    URI health = URI.create("http://127.0.0.1:" + port + "/health");
    DaemonProcess daemon =
        DaemonProcess.builder(
                "tiny-http",
                DaemonProcess.javaCommand(
                    System.getProperty("java.class.path"),
                    List.of("-Xmx64m"),
                    TinyHttpDaemon.class.getName(),
                    List.of(Integer.toString(port))))
            .workingDir(dir)
            .readyWhenHttpOk(health)
            .readyTimeout(Duration.ofSeconds(30))
            .start();
    try {
      assertThat(daemon.isAlive()).isTrue();
      daemon.awaitOutput(
          java.util.regex.Pattern.compile("serving on " + port), Duration.ofSeconds(5));
    } finally {
      daemon.stop();
    }
    assertThat(daemon.output()).contains("shutdown hook ran");
  }
}
