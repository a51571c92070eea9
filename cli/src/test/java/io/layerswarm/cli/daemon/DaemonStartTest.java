package io.layerswarm.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Start failures an admin fixes on the host or in the config: one line on stderr naming the key,
 * the value and the fix, and exit 78, so systemd's Restart=on-failure does not loop on them.
 */
class DaemonStartTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine command = Main.commandLine();
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    return command.execute(args);
  }

  @Test
  void aTrackerPortInUseIsOneLineNamingTheKeyAndTheAddress() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String address = "127.0.0.1:" + taken.getLocalPort();

      int exit = run("tracker", "--listen", address);

      assertPortInUse(exit, "tracker", "tracker.listen", address);
      assertThat(out.toString()).isEmpty();
    }
  }

  @Test
  void aSentinelUriWithoutItsMasterIsOneLineNamingTheKeyWithoutThePassword() {
    int exit =
        run(
            "tracker",
            "--listen",
            "127.0.0.1:0",
            "--redis",
            "redis-sentinel://:hunter2@127.0.0.1:26379,127.0.0.1:26380/0");

    assertThat(exit).isEqualTo(Main.EXIT_CONFIG);
    assertThat(err.toString().lines())
        .singleElement()
        .asString()
        .contains("tracker.redis must name the sentinels' master as its fragment")
        .contains("redis-sentinel://***@127.0.0.1:26379,127.0.0.1:26380/0")
        .doesNotContain("hunter2");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void anAgentPeerPortInUseIsOneLineNamingTheKeyAndTheAddress() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String address = "127.0.0.1:" + taken.getLocalPort();

      int exit = agent("--peer-listen", address, "--admin-socket", "");

      assertPortInUse(exit, "agent", "agent.peer-listen", address);
    }
  }

  @Test
  void anAdminSocketDirectoryThatCannotBeMadeIsOneLineNamingTheFix() throws IOException {
    Path notADirectory = Files.writeString(dir.resolve("run"), "a file");
    Path socket = notADirectory.resolve("agent.sock");

    int exit = agent("--peer-listen", "127.0.0.1:0", "--admin-socket", socket.toString());

    assertThat(exit).isEqualTo(Main.EXIT_CONFIG);
    assertThat(err.toString().lines())
        .containsExactly(
            "layerswarm agent: agent.admin-socket: cannot create the directory "
                + notADirectory
                + " for "
                + socket
                + " (FileAlreadyExistsException); create it owned by the daemon's user"
                + " (install -d -o layerswarm -g layerswarm -m 0750 "
                + notADirectory
                + "), or set agent.admin-socket (--admin-socket) to another path, or to \"\" to"
                + " disable the admin API");
  }

  @Test
  void aSeederRingWithAWildcardListenAndNoAdvertisedUrlIsAConfigError() {
    int exit =
        run(
            "seeder",
            "--listen",
            "0.0.0.0:0",
            "--peer-listen",
            "127.0.0.1:0",
            "--data",
            dir.resolve("seeder").toString(),
            "--upstream",
            "http://127.0.0.1:9",
            "--ring",
            "http://10.0.0.1:6970",
            "--ring",
            "http://10.0.0.2:6970");

    assertThat(exit).isEqualTo(Main.EXIT_CONFIG);
    assertThat(err.toString().lines())
        .singleElement()
        .asString()
        .startsWith("layerswarm seeder: config error: ")
        .contains("seeder.advertise-url is required: seeder.listen 0.0.0.0:0 is a wildcard");
  }

  /** Exit 78 and, on stderr, exactly one line naming the key, the address and the fix. */
  private void assertPortInUse(int exit, String daemon, String key, String address) {
    assertThat(exit).isEqualTo(Main.EXIT_CONFIG);
    assertThat(err.toString())
        .isEqualTo(
            "layerswarm "
                + daemon
                + ": "
                + key
                + ": cannot listen on "
                + address
                + ": Address already in use; stop what holds that port, or set another "
                + key
                + System.lineSeparator());
  }

  private int agent(String... more) {
    String[] base = {
      "agent",
      "--listen",
      "127.0.0.1:0",
      "--data",
      dir.resolve("agent").toString(),
      "--tracker",
      "http://127.0.0.1:9",
      "--upstream",
      "http://127.0.0.1:9"
    };
    String[] args = new String[base.length + more.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    return run(args);
  }
}
