package io.layerswarm.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.OriginRegistry;
import io.layerswarm.testbed.TestbedDirs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The launcher as a user runs it: bad configs, and bad requests to a running all-in-one. */
class LauncherIT {
  private static Path work;
  private static OriginRegistry origin;
  private static DaemonProcess allInOne;
  private static int agentPort;
  private static Path socket;

  @BeforeAll
  static void startAllInOne() throws Exception {
    work = TestbedDirs.create("launcher");
    origin = OriginRegistry.start(work.resolve("origin"));
    int[] ports = FreePorts.pick(3);
    agentPort = ports[0];
    // Unix socket paths are limited to 107 bytes: keep it short, whatever the checkout path.
    socket = Files.createTempDirectory(Path.of("/tmp"), "ls-sock").resolve("agent.sock");
    allInOne =
        DaemonProcess.builder(
                "all-in-one",
                command(
                    "all-in-one",
                    "--upstream",
                    origin.baseUri().toString(),
                    "--listen",
                    "127.0.0.1:" + ports[0],
                    "--tracker-listen",
                    "127.0.0.1:" + ports[1],
                    "--seeder-listen",
                    "127.0.0.1:" + ports[2],
                    "--data",
                    work.resolve("data").toString(),
                    "--admin-socket",
                    socket.toString()))
            .logFile(work.resolve("all-in-one.log"))
            .readyWhenOutputMatches(Pattern.compile("layerswarm all-in-one ready: "))
            .readyTimeout(Duration.ofSeconds(60))
            .start();
  }

  @AfterAll
  static void stop() {
    if (allInOne != null) {
      allInOne.close();
    }
    if (origin != null) {
      origin.close();
    }
  }

  private static List<String> command(String... args) {
    List<String> command = new ArrayList<>();
    command.add(EndToEndPullIT.dist().resolve("bin/layerswarm").toString());
    command.addAll(List.of(args));
    return command;
  }

  private record Run(int exitCode, String output) {}

  private static Run run(String... args) throws Exception {
    return run(Map.of(), args);
  }

  private static Run run(Map<String, String> env, String... args) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command(args)).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process p = builder.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("launcher exited").isTrue();
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "agent:\\n  listne: 127.0.0.1:5050|agent.listne",
        "agent:\\n  swarm-deadline: soon|agent.swarm-deadline",
        "agent:\\n  listen: 127.0.0.1:99999|agent.listen",
        "agent:\\n  upload-rate: [1, 2]|agent.upload-rate",
        "agent:\\n  metrics-listen: 9102|agent.metrics-listen",
        "upstreams:\\n  - url: ftp://origin|upstreams[0].url",
      })
  void aBadConfigStopsTheDaemonWithExitCode78AndAMessageNamingTheFileAndTheKey(
      String yaml, String key) throws Exception {
    Path config = Files.createTempFile(work, "bad", ".yaml");
    Files.writeString(
        config,
        yaml.replace("\\n", "\n")
            + (yaml.contains("upstreams") ? "" : "\nupstreams:\n  - url: http://127.0.0.1:5000\n"));
    Run run =
        run("agent", "--config", config.toString(), "--data", work.resolve("never").toString());
    assertThat(run.exitCode()).as(run.output()).isEqualTo(78);
    assertThat(run.output()).contains(config.toString()).contains(key);
    assertThat(work.resolve("never")).doesNotExist();
  }

  @Test
  void anUnknownLogLevelStopsTheCommandWithExitCode78ListingTheLevels() throws Exception {
    Run run = run(Map.of("LAYERSWARM_LOG_LEVEL", "verbose"), "tracker", "--print-config");

    assertThat(run.exitCode()).as(run.output()).isEqualTo(78);
    assertThat(run.output())
        .isEqualTo(
            "layerswarm: LAYERSWARM_LOG_LEVEL=verbose is not a log level; use one of ERROR, WARN,"
                + " INFO, DEBUG, TRACE, OFF (unset means INFO)\n");
  }

  @Test
  void printConfigShowsTheEffectiveConfigWithFlagsApplied() throws Exception {
    Run run =
        run(
            "agent",
            "--upstream",
            "http://127.0.0.1:5000",
            "--listen",
            "127.0.0.1:5999",
            "--print-config");
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("listen: 127.0.0.1:5999")
        .contains("swarm-deadline: 60s")
        .contains("url: http://127.0.0.1:5000");
  }

  @Test
  void statusReachesTheRunningAgentOverItsUnixSocket() throws Exception {
    Run table = run("status", "--socket", socket.toString());
    assertThat(table.exitCode()).as(table.output()).isZero();
    assertThat(table.output()).contains("registry").contains(String.valueOf(agentPort));
    Run json = run("status", "--socket", socket.toString(), "--json");
    assertThat(json.exitCode()).as(json.output()).isZero();
    assertThat(json.output().trim()).startsWith("{").contains("\"cache_bytes\"");
  }

  @Test
  void statusWithoutAnAgentExitsWith3AndSaysWhichSocket() throws Exception {
    Path none = socket.resolveSibling("nobody.sock");
    Run run = run("status", "--socket", none.toString());
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.output()).contains(none.toString());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "GET /v2/Bad_Name/manifests/latest|400|NAME_INVALID",
        "GET /v2/library/demo/manifests/bad:tag:x|400|DIGEST_INVALID",
        "GET /v2/library/demo/blobs/sha256:xyz|400|DIGEST_INVALID",
        "GET /v2/library/demo/blobs/md5:d41d8cd98f00b204e9800998ecf8427e|400|DIGEST_INVALID",
        "GET /v2/../../etc/passwd|400|NAME_INVALID",
        "GET /v2/library/%2e%2e/demo/manifests/1|400|NAME_INVALID",
        "GET /v2/library%2fdemo/manifests/1|400|NAME_INVALID",
        "GET /v2/library/nothing/manifests/1|404|MANIFEST_UNKNOWN",
        "GET /v2/library/nothing/blobs/sha256:0000000000000000000000000000000000000000000000000000000000000000|404|BLOB_UNKNOWN",
        "PUT /v2/library/demo/manifests/1|405|UNSUPPORTED",
        "POST /v2/library/demo/blobs/uploads/|405|UNSUPPORTED",
        "DELETE /v2/library/demo/blobs/sha256:0000000000000000000000000000000000000000000000000000000000000000|405|UNSUPPORTED",
      })
  void theAgentRejectsBadRequestsWithTheOciErrorAndStoresNothing(
      String requestLine, int status, String code) throws Exception {
    String response = rawRequest(requestLine);
    assertThat(response).startsWith("HTTP/1.1 " + status + " ");
    assertThat(response).contains("\"code\":\"" + code + "\"");
    assertThat(response.toLowerCase()).contains("content-type: application/json");
    assertThat(storedBlobs()).isEmpty();
  }

  private static String rawRequest(String requestLine) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", agentPort)) {
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          (requestLine
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      in.transferTo(response);
      return response.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private static List<Path> storedBlobs() throws IOException {
    Path blobs = work.resolve("data/agent/blobs/sha256");
    if (!Files.isDirectory(blobs)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(blobs)) {
      return files.toList();
    }
  }
}
