package io.layerswarm.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uses /bin/sh children; the child JVM + HTTP readiness path is covered by DaemonProcessIT. */
class DaemonProcessTest {

  @TempDir Path tmp;

  @Test
  void becomesReadyWhenItsOutputShowsTheLineAndStopsOnSigterm() throws Exception {
    DaemonProcess d =
        DaemonProcess.builder(
                "echoer",
                List.of("/bin/sh", "-c", "echo starting; echo ready on 1234; exec sleep 60"))
            .workingDir(tmp)
            .readyWhenOutputContains("ready on")
            .readyTimeout(Duration.ofSeconds(10))
            .start();
    try {
      assertThat(d.isAlive()).isTrue();
      assertThat(d.logFile()).isEqualTo(tmp.resolve("echoer.log"));
      assertThat(ProcessReaper.registered()).containsKey(d.pid());
      assertThat(d.output()).contains("starting\nready on 1234\n");
    } finally {
      d.stop();
    }
    assertThat(d.isAlive()).isFalse();
    assertThat(d.exitCode()).contains(143); // 128 + SIGTERM
    assertThat(ProcessReaper.registered()).doesNotContainKey(d.pid());
  }

  @Test
  void aProcessThatIgnoresSigtermIsKilledAfterTheStopTimeout() throws Exception {
    DaemonProcess d =
        DaemonProcess.builder(
                "stubborn",
                List.of("/bin/sh", "-c", "trap '' TERM; echo up; while :; do sleep 1; done"))
            .workingDir(tmp)
            .readyWhenOutputContains("up")
            .stopTimeout(Duration.ofMillis(300))
            .start();

    int code = d.stop();

    assertThat(d.isAlive()).isFalse();
    assertThat(code).isEqualTo(137); // 128 + SIGKILL
  }

  @Test
  void dyingBeforeReadinessFailsNamingTheLogAndQuotingIt() {
    assertThatThrownBy(
            () ->
                DaemonProcess.builder(
                        "crasher", List.of("/bin/sh", "-c", "echo boom: bad config; exit 3"))
                    .workingDir(tmp)
                    .readyWhenOutputContains("never printed")
                    .start())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("crasher exited with code 3")
        .hasMessageContaining(tmp.resolve("crasher.log").toString())
        .hasMessageContaining("boom: bad config");
  }

  @Test
  void notBecomingReadyInTimeStopsTheProcessAndSaysSo() throws Exception {
    Path pidFile = tmp.resolve("pid");
    assertThatThrownBy(
            () ->
                DaemonProcess.builder(
                        "silent",
                        List.of("/bin/sh", "-c", "echo $$ > " + pidFile + "; exec sleep 60"))
                    .workingDir(tmp)
                    .readyWhenOutputMatches(Pattern.compile("listening"))
                    .readyTimeout(Duration.ofMillis(300))
                    .start())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("did not print /listening/ within");

    long pid = Long.parseLong(Files.readString(pidFile).strip());
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  @Test
  void aLogSharedWithAnEarlierRunOnlyShowsThisRunsOutput() throws Exception {
    Path log = tmp.resolve("shared.log");
    Files.writeString(log, "old run: ready\n");

    DaemonProcess d =
        DaemonProcess.builder("second", List.of("/bin/sh", "-c", "echo new run; exec sleep 60"))
            .logFile(log)
            .readyWhenOutputContains("new run")
            .start();
    try {
      assertThat(d.output()).isEqualTo("new run\n");
      assertThat(Files.readString(log)).startsWith("old run: ready\nnew run\n");
    } finally {
      d.close();
    }
  }

  @Test
  void aMissingExecutableIsReportedWithItsName() {
    assertThatThrownBy(
            () ->
                DaemonProcess.builder("ghost", List.of(tmp.resolve("nope").toString()))
                    .workingDir(tmp)
                    .start())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("could not start ghost");
  }

  @Test
  void javaCommandUsesThisJvmAndClasspath() {
    List<String> cmd = DaemonProcess.javaCommand("com.example.Main", "--port", "1");

    assertThat(cmd.get(0))
        .isEqualTo(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    assertThat(cmd)
        .containsSubsequence(
            "-cp", System.getProperty("java.class.path"), "com.example.Main", "--port", "1");
  }
}
