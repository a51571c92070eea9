package io.layerswarm.it.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.layerswarm.testbed.TestbedDirs;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code bench/engine-bench --smoke} for our engine and libtorrent: 16 MiB, 4 x 4 MiB and 50 x 256
 * KiB (50 torrents in one engine on one port), each with a fresh opentracker. No timing assertions:
 * the script must finish, write its report, and every one of our rows (first and warm download)
 * must be {@code ok}, which the script only says after a sha256 check of every downloaded file.
 */
class EngineBenchSmokeIT {

  @Test
  @Timeout(600)
  void smokeOurEngineDownloadsEveryCaseIntact() throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    Path work = TestbedDirs.create("engine-bench");
    Path results = work.resolve("results");
    // The test JVM's own classpath has BenchPeer, the engine, bt and the harness: no extra build.
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));

    List<String> command =
        new ArrayList<>(
            List.of(
                "bash",
                root.resolve("bench/engine-bench").toString(),
                "--smoke",
                "--clients",
                "layerswarm,libtorrent",
                "--no-build",
                "--work",
                work.resolve("run").toString(),
                "--results",
                results.toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("engine-bench.log").toFile());
    builder.environment().put("BENCH_CLASSPATH", classpath);
    builder.environment().put("BENCH_BUDGET", "400");
    Process process = builder.start();
    try {
      assertThat(process.waitFor(540, TimeUnit.SECONDS)).as("engine-bench finished").isTrue();
    } finally {
      process.destroyForcibly();
    }
    String log = Files.readString(work.resolve("engine-bench.log"));
    assertThat(process.exitValue()).as("exit code; output:%n%s", log).isZero();

    Path json;
    try (Stream<Path> files = Files.list(results)) {
      json =
          files
              .filter(p -> p.getFileName().toString().endsWith("-smoke.json"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no -smoke.json in " + results + "\n" + log));
    }
    assertThat(Files.exists(Path.of(json.toString().replace(".json", ".md")))).isTrue();
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    List<String> ours = new ArrayList<>();
    for (JsonNode row : report.path("results")) {
      String client = row.path("client").asText();
      if (client.startsWith("layerswarm")) {
        ours.add(row.path("case").asText() + "/" + client);
        assertThat(row.path("status").asText())
            .as("%s %s: %s", row.path("case").asText(), client, row.path("note").asText())
            .isEqualTo("ok");
        assertThat(row.path("bytes").asLong()).isPositive();
      }
    }
    assertThat(ours)
        .containsExactlyInAnyOrder(
            "single/layerswarm",
            "single/layerswarm (warm)",
            "many/layerswarm",
            "many/layerswarm (warm)",
            "fifty/layerswarm",
            "fifty/layerswarm (warm)");
    // The committed report must not name this machine's paths.
    String environment = report.path("environment").toString();
    assertThat(environment).doesNotContain(System.getProperty("user.home") + File.separator);
    assertThat(environment).doesNotContain(work.toString());
  }
}
