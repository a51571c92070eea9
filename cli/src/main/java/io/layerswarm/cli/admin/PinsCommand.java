package io.layerswarm.cli.admin;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "pins",
    mixinStandardHelpOptions = true,
    description = {
      "List the local agent's pinned images (agent.pins): reference, platform, the digest it"
          + " resolved to, whether every blob is local (or what is missing), and the last error.",
      "The agent is ready (GET /ready, `layerswarm wait-ready`) when every pin is complete."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:ok",
      "1:the agent answered with an error",
      "2:bad usage",
      "3:no agent answered on the socket"
    })
public final class PinsCommand implements Callable<Integer> {
  @Mixin AdminOptions options;

  @Option(
      names = "--refresh",
      description =
          "Resolve every tag again and fetch what is missing now, in the background (the list"
              + " shows the pins before that).")
  boolean refresh;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return options.run(
        spec,
        agent -> {
          PinsReport report = PinsReport.of(refresh ? agent.refreshPins() : agent.pins());
          options.print(spec, report, report::table);
        });
  }
}
