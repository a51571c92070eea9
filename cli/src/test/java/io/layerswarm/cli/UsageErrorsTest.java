package io.layerswarm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad usage of any command: one line naming the problem and where the usage is. */
class UsageErrorsTest {
  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void preheatWithoutServerSaysSoInOneLineAndPointsAtHelp() {
    CliRun run = run("preheat", "library/big:1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines().toList())
        .hasSize(2)
        .satisfies(
            lines -> {
              assertThat(lines.get(0))
                  .startsWith("layerswarm preheat: --server HOST:PORT is required");
              assertThat(lines.get(1)).isEqualTo("See 'layerswarm preheat --help'.");
            });
  }

  @Test
  void everyCommandAnswersBadUsageInALineAndAHintWithoutItsUsage() {
    List<String> commands =
        Main.commandLine().getSubcommands().keySet().stream()
            // picocli's own two, which take any arguments
            .filter(name -> !name.equals("help") && !name.equals("generate-completion"))
            .toList();
    assertThat(commands).contains("agent", "tracker", "seeder", "status", "peers", "preheat");

    for (String command : commands) {
      CliRun run = run(command, "--no-such-option");

      assertThat(run.exitCode()).as(command).isEqualTo(2);
      assertThat(run.out()).as(command).isEmpty();
      assertThat(run.err())
          .as(command)
          .startsWith("layerswarm " + command + ": ")
          .endsWith("\nSee 'layerswarm " + command + " --help'.\n")
          .doesNotContain("Usage:");
      assertThat(run.err().lines()).as(command).hasSizeBetween(2, 3);
    }
  }

  @Test
  void aMistypedCommandGetsASuggestion() {
    CliRun run = run("preheet");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("layerswarm: Unmatched argument at index 0: 'preheet'")
        .contains("preheat")
        .endsWith("See 'layerswarm --help'.\n")
        .doesNotContain("Usage:");
  }
}
