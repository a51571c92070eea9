package io.layerswarm.it.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * {@code bench/engine-bench --smoke} for our engine and libtorrent, run as a new user runs it: from
 * a copy of this checkout (tracked and new files, no {@code target/}), with the script's own Maven
 * build, and with a local repository that lacks every {@code io.layerswarm} artifact, so the build
 * must take the sibling modules from the reactor (and install nothing). Cases: 16 MiB, 4 x 4 MiB
 * and 50 x 256 KiB (50 torrents in one engine on one port), each with a fresh opentracker. No
 * timing assertions: the script must finish, write its report, and every one of our rows (first and
 * warm download) must be {@code ok}, which the script only says after a sha256 check of every file.
 * bench/swarm-bench builds with the same function (bench/build.sh).
 */
class EngineBenchSmokeIT {

  @Test
  @Timeout(1200)
  void smokeFromACleanCopyBuildsWithoutInstalledArtifactsAndDownloadsEveryCaseIntact()
      throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    assumeTrue(Files.exists(root.resolve(".git")), "needs a git checkout to copy");
    Path work = TestbedDirs.create("engine-bench");
    Path tree = CleanCopy.of(root, work.resolve("tree"));
    Path repo = CleanCopy.localRepositoryWithout(work.resolve("m2"), "io/layerswarm");
    Path results = work.resolve("results");

    List<String> command =
        new ArrayList<>(
            List.of(
                "bash",
                tree.resolve("bench/engine-bench").toString(),
                "--smoke",
                "--clients",
                "layerswarm,libtorrent",
                "--work",
                work.resolve("run").toString(),
                "--results",
                results.toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(tree.toFile())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("engine-bench.log").toFile());
    builder.environment().remove("BENCH_CLASSPATH");
    builder.environment().put("BENCH_MVN_ARGS", "-Dmaven.repo.local=" + repo);
    builder.environment().put("BENCH_BUDGET", "400");
    Process process = builder.start();
    try {
      assertThat(process.waitFor(1140, TimeUnit.SECONDS)).as("engine-bench finished").isTrue();
    } finally {
      process.destroyForcibly();
    }
    String log = Files.readString(work.resolve("engine-bench.log"));
    assertThat(process.exitValue()).as("exit code; output:%n%s", log).isZero();
    assertThat(repo.resolve("io/layerswarm")).as("nothing installed").doesNotExist();

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
    // The engine that ran is the one the reactor built in the copy.
    assertThat(report.path("environment").path("engine_classpath_entry").asText())
        .startsWith("swarm/target/");
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
