package io.layerswarm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Bad usage of any command: one line naming the problem and where the usage is. */
class UsageErrorsTest {
  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  @Test
  void preheatWithoutServerSaysSoInOneLineAndPointsAtHelp() {
    Run run = run("preheat", "library/big:1");

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
      Run run = run(command, "--no-such-option");

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
    Run run = run("preheet");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("layerswarm: Unmatched argument at index 0: 'preheet'")
        .contains("preheat")
        .endsWith("See 'layerswarm --help'.\n")
        .doesNotContain("Usage:");
  }
}
