package io.layerswarm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.cli.config.ConfigException;
import io.layerswarm.cli.config.ConfigLoader;
import io.layerswarm.cli.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code --print-config} checks what the start checks: a value the start refuses with exit code 78
 * is refused there too, with the same message, before anything runs.
 */
class PrintConfigTest {
  @TempDir Path dir;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private Path agentConfig(String key, String value) throws IOException {
    return Files.writeString(
        dir.resolve("agent.yaml"),
        "upstreams:\n"
            + "  - url: http://127.0.0.1:5000\n"
            + "agent:\n"
            + "  data-dir: "
            + dir.resolve("data")
            + "\n"
            + "  "
            + key
            + ": "
            + value
            + "\n");
  }

  @ParameterizedTest
  @CsvSource({
    "swarm-deadline, soon",
    "upload-rate, 10 megs",
    "listen, 127.0.0.1:99999",
    "cache-low-watermark, 95",
    "zone, eu west",
    "rack, r/7"
  })
  void aValueTheStartRefusesIsRefusedByPrintConfigWithTheSameMessage(String key, String value)
      throws Exception {
    Path config = agentConfig(key, value);

    CliRun print = run("agent", "--config", config.toString(), "--print-config");

    // What the start reports: it stops at settings.agent(), before binding anything.
    Settings settings =
        Settings.of(ConfigLoader.load(Optional.of(config), Map.of(), Map.of()), config.toString());
    assertThatThrownBy(settings::agent)
        .isInstanceOfSatisfying(
            ConfigException.class,
            start -> {
              assertThat(start.getMessage()).contains("agent." + key);
              assertThat(print.exitCode()).as(print.err()).isEqualTo(Main.EXIT_CONFIG);
              assertThat(print.out()).isEmpty();
              assertThat(print.err())
                  .isEqualTo("layerswarm agent: config error: " + start.getMessage() + "\n");
            });
  }

  @Test
  void agentPrintConfigShowsTheAgentsSectionsOnly() throws IOException {
    Path config = agentConfig("swarm-deadline", "30s");

    CliRun print = run("agent", "--config", config.toString(), "--print-config");

    assertThat(print.exitCode()).as(print.err()).isZero();
    assertThat(print.err()).isEmpty();
    assertThat(print.out())
        .contains("upstreams:\n")
        .contains("cluster:\n")
        .contains("agent:\n")
        .contains("  swarm-deadline: 30s\n")
        .doesNotContain("tracker:")
        .doesNotContain("seeder:");
  }

  @Test
  void trackerPrintConfigShowsNoUpstreamsSeederOrAgent() {
    CliRun print = run("tracker", "--print-config");

    assertThat(print.exitCode()).as(print.err()).isZero();
    assertThat(print.out())
        .contains("tracker:\n")
        .doesNotContain("upstreams:")
        .doesNotContain("seeder:")
        .doesNotContain("agent:");
  }
}
