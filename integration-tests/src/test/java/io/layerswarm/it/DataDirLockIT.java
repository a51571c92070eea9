package io.layerswarm.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.TestbedDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two daemons of a kind on one data directory, started by the launcher: the second exits 78 with
 * one line naming the directory and the first one's PID, and the first keeps running.
 */
class DataDirLockIT {
  private static List<String> command(String daemon, Path data, int[] ports) {
    List<String> command = new ArrayList<>();
    command.add(EndToEndPullIT.dist().resolve("bin/layerswarm").toString());
    command.addAll(
        List.of(
            daemon,
            "--upstream",
            "http://127.0.0.1:1",
            "--tracker",
            "http://127.0.0.1:1/announce",
            "--listen",
            "127.0.0.1:" + ports[0],
            "--peer-listen",
            "127.0.0.1:" + ports[1],
            "--data",
            data.toString()));
    if (daemon.equals("agent")) {
      command.addAll(List.of("--admin-socket", ""));
    }
    return command;
  }

  @ParameterizedTest
  @ValueSource(strings = {"agent", "seeder"})
  void aSecondDaemonOnTheSameDataDirectoryExits78NamingTheDirectoryAndTheFirstsPid(String daemon)
      throws Exception {
    Path work = TestbedDirs.create("data-dir-lock-" + daemon);
    Path data = work.resolve("data");
    int[] ports = FreePorts.pick(4);
    try (DaemonProcess first =
        DaemonProcess.builder(daemon, command(daemon, data, new int[] {ports[0], ports[1]}))
            .logFile(work.resolve("first.log"))
            .readyWhenOutputMatches(Pattern.compile("layerswarm " + daemon + " ready: "))
            .readyTimeout(Duration.ofSeconds(60))
            .start()) {
      Path log = work.resolve("second.log");
      Process second =
          new ProcessBuilder(command(daemon, data, new int[] {ports[2], ports[3]}))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      boolean exited = second.waitFor(60, TimeUnit.SECONDS);
      if (!exited) {
        second.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);

      assertThat(exited).as("the second one exited: %s", output).isTrue();

      assertThat(second.exitValue()).as(output).isEqualTo(78);
      assertThat(output)
          .contains(daemon + ".data-dir " + data)
          .contains("(PID " + first.pid() + ")")
          .doesNotContain("\tat ");
      assertThat(first.isAlive()).as("the first one keeps running").isTrue();
    }
  }
}
