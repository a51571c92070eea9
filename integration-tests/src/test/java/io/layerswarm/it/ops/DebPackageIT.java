package io.layerswarm.it.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.layerswarm.testbed.CommandResult;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.TestbedDirs;
import io.layerswarm.testing.Await;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The .deb as an admin installs it: {@code dpkg -i}, the launcher on the PATH, systemd units that
 * systemd accepts, a random cluster secret made at install (mode 0640, group layerswarm, kept on
 * reinstall), and the installed agent started by the installed launcher with the shipped example
 * config (which names that secret), answering {@code layerswarm status} on the default admin
 * socket.
 *
 * <p>PID 1 is not systemd in CI, so the agent is started as a child process the way the unit starts
 * it: as the {@code layerswarm} user (setpriv), with /run/layerswarm and /var/lib/layerswarm/agent
 * owned by that user (what RuntimeDirectory= and StateDirectory= do). Only the ports are moved to
 * free ones with {@code --set}; the config file stays as shipped.
 *
 * <p>Needs root (skipped otherwise) and the Debian packages dpkg, systemd (systemd-analyze),
 * util-linux (setpriv), adduser and a Java 17 runtime from Debian (the package depends on it). The
 * package stays installed afterwards.
 */
class DebPackageIT {
  private static final Path LAUNCHER = Path.of("/usr/bin/layerswarm");
  private static final Path CONFIG = Path.of("/etc/layerswarm/agent.yaml");
  private static final Path SOCKET = Path.of("/run/layerswarm/agent.sock");
  private static final Path SECRET = Path.of("/etc/layerswarm/cluster.secret");
  private static final Path UNITS = Path.of("/lib/systemd/system");
  private static final List<String> UNIT_NAMES =
      List.of(
          "layerswarm-agent.service",
          "layerswarm-agent-ready.service",
          "layerswarm-tracker.service",
          "layerswarm-seeder.service");
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

  /** systemd-analyze's words for unit lines it does not accept. */
  private static final Pattern UNIT_COMPLAINT =
      Pattern.compile("(?i)unknown (key|section|lvalue)|invalid|failed to parse|ignoring|bad unit");

  @Test
  void installsAndTheInstalledAgentAnswersStatusOnTheDefaultSocket() throws Exception {
    assumeTrue(isRoot(), "dpkg -i needs root");
    Path work = TestbedDirs.create("deb-package");
    Path deb = builtDeb();

    CommandResult install = dpkgInstall(deb);
    assertThat(install.ok())
        .as(
            install.describe()
                + "\n(the package depends on a Java 17 runtime: apt-get install openjdk-17-jre-headless)")
        .isTrue();
    assertThat(LAUNCHER).as("launcher").isExecutable();
    assertThat(LAUNCHER.toRealPath()).isEqualTo(Path.of("/usr/share/layerswarm/bin/layerswarm"));
    assertThat(CONFIG).as("the shipped example config").hasSameTextualContentAs(shippedConfig());
    assertThat(Files.readString(SECRET).strip())
        .as("a random cluster secret made at install")
        .hasSizeGreaterThanOrEqualTo(32);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(SECRET)))
        .isEqualTo("rw-r-----");
    assertThat(Files.getAttribute(SECRET, "posix:group").toString()).isEqualTo("layerswarm");
    String secret = Files.readString(SECRET);
    assertThat(dpkgInstall(deb).ok()).as("installing again").isTrue();
    assertThat(Files.readString(SECRET)).as("an existing secret is kept").isEqualTo(secret);
    for (String unit : UNIT_NAMES) {
      assertThat(UNITS.resolve(unit)).as(unit).isRegularFile();
    }

    List<String> verify = new ArrayList<>(List.of("systemd-analyze", "verify"));
    UNIT_NAMES.forEach(u -> verify.add(UNITS.resolve(u).toString()));
    CommandResult verified = run(verify);
    assertThat(verified.exitCode()).as(verified.describe()).isZero();
    assertThat(verified.output().lines().filter(l -> UNIT_COMPLAINT.matcher(l).find()))
        .as("systemd-analyze complaints:\n" + verified.output())
        .isEmpty();

    assumeTrue(
        !answers(SOCKET), SOCKET + " is served by an agent that is already running; stop it first");
    prepareDirectories();
    int[] ports = FreePorts.pick(2);
    List<String> command =
        new ArrayList<>(
            List.of(
                "setpriv",
                "--reuid=layerswarm",
                "--regid=layerswarm",
                "--init-groups",
                "--",
                LAUNCHER.toString(),
                "agent",
                "--config",
                CONFIG.toString(),
                "--set",
                "agent.listen=127.0.0.1:" + ports[0],
                "--set",
                "agent.peer-listen=127.0.0.1:" + ports[1]));
    try (DaemonProcess agent =
        DaemonProcess.builder("installed-agent", command)
            .logFile(work.resolve("agent.log"))
            .env("JAVA_OPTS", "-Xmx256m")
            .readyWhenOutputMatches(
                Pattern.compile(
                    "layerswarm agent ready: registry http://127\\.0\\.0\\.1:" + ports[0]))
            .readyTimeout(Duration.ofSeconds(45))
            .start()) {
      assertThat(SOCKET).as("admin socket of the shipped config").exists();

      CommandResult status = run(List.of(LAUNCHER.toString(), "status"));
      System.out.println("/usr/bin/layerswarm status:\n" + status.output());

      assertThat(status.exitCode()).as(status.describe()).isZero();
      assertThat(status.output())
          .containsPattern("(?m)^agent      \\d+\\.\\d+\\.\\d+, up \\d+s$")
          .contains("socket     " + SOCKET + "\n")
          .contains("registry   127.0.0.1:" + ports[0] + "\n")
          .contains("peer port  " + ports[1] + "\n")
          .containsPattern("(?m)^cache +\\S+ \\S*B +\\d+ blobs?$")
          .contains("no transfers in progress");

      int exit = agent.stop();
      assertThat(exit)
          .as("exit code after SIGTERM (clean shutdown)\n" + agent.outputTail(40))
          .isIn(0, 143);
    }
    assertThat(SOCKET).as("the agent removes its socket when it stops").doesNotExist();
  }

  private static boolean isRoot() throws Exception {
    CommandResult id = run(List.of("id", "-u"));
    return id.ok() && id.output().strip().equals("0");
  }

  /** The newest cli/target/layerswarm_*_all.deb, built by {@code mvn package} in the cli module. */
  private static Path builtDeb() throws IOException {
    Path target =
        Path.of(System.getProperty("layerswarm.dist", "../cli/target/layerswarm"))
            .toAbsolutePath()
            .normalize()
            .getParent();
    List<Path> debs = new ArrayList<>();
    try (DirectoryStream<Path> found = Files.newDirectoryStream(target, "layerswarm_*_all.deb")) {
      found.forEach(debs::add);
    }
    assertThat(debs)
        .as("no layerswarm_*_all.deb in %s: run mvn package in cli first", target)
        .isNotEmpty();
    debs.sort(Comparator.comparing(DebPackageIT::modified).reversed());
    return debs.get(0);
  }

  private static long modified(Path file) {
    try {
      return Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  /** cli/src/deb/config/agent.yaml, next to the target directory the .deb is in. */
  private static Path shippedConfig() {
    return Path.of(System.getProperty("layerswarm.dist", "../cli/target/layerswarm"))
        .toAbsolutePath()
        .normalize()
        .getParent()
        .getParent()
        .resolve("src/deb/config/agent.yaml");
  }

  /**
   * dpkg -i, first waiting while another dpkg or apt holds dpkg's lock. --force-confnew: an edited
   * /etc/layerswarm/*.yaml on this machine is replaced by the package's (dpkg keeps it as
   * .dpkg-old) instead of dpkg asking on a terminal there is none of.
   */
  private static CommandResult dpkgInstall(Path deb) throws Exception {
    CommandResult result = null;
    for (int attempt = 0; attempt < 10; attempt++) {
      Await.until("dpkg's lock to be free", Duration.ofSeconds(20), () -> !dpkgLocked());
      result =
          CommandResult.run(
              List.of("dpkg", "--force-confnew", "-i", deb.toString()),
              Map.of("DEBIAN_FRONTEND", "noninteractive"),
              COMMAND_TIMEOUT);
      if (result.ok() || !result.output().contains("lock")) {
        return result;
      }
      // Another process took the lock between the check and dpkg's start: wait for it again.
    }
    return result;
  }

  /**
   * Whether a process holds one of dpkg's lock files now, as {@code /proc/locks} lists it (device
   * {@code major:minor} in hex, then the inode). Reads only; taking the lock to test it would make
   * another dpkg fail meanwhile.
   */
  private static boolean dpkgLocked() {
    try {
      String locks = Files.readString(Path.of("/proc/locks"));
      for (String name : List.of("lock-frontend", "lock")) {
        Path file = Path.of("/var/lib/dpkg", name);
        if (!Files.exists(file)) {
          continue;
        }
        long dev = (Long) Files.getAttribute(file, "unix:dev");
        long ino = (Long) Files.getAttribute(file, "unix:ino");
        long major = (dev >> 8) & 0xfff;
        long minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
        if (locks.contains(String.format(" %02x:%02x:%d ", major, minor, ino))) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      return false; // no /proc/locks: dpkg's own lock error decides
    }
  }

  /**
   * What systemd does before starting the unit: RuntimeDirectory=layerswarm (mode 0750) and
   * StateDirectory=layerswarm/agent, owned by the service user.
   */
  private static void prepareDirectories() throws Exception {
    for (List<String> step :
        List.of(
            List.of(
                "install",
                "-d",
                "-o",
                "layerswarm",
                "-g",
                "layerswarm",
                "-m",
                "0750",
                "/run/layerswarm"),
            List.of(
                "install",
                "-d",
                "-o",
                "layerswarm",
                "-g",
                "layerswarm",
                "-m",
                "0750",
                "/var/lib/layerswarm/agent"),
            List.of("chown", "-R", "layerswarm:layerswarm", "/var/lib/layerswarm/agent"))) {
      run(step).requireSuccess();
    }
  }

  /** True when something accepts connections on the Unix socket. */
  private static boolean answers(Path socket) {
    if (!Files.exists(socket)) {
      return false;
    }
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(socket));
      return true;
    } catch (ConnectException e) {
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  private static CommandResult run(List<String> command) throws Exception {
    return CommandResult.run(command, Map.of(), COMMAND_TIMEOUT);
  }
}
