package io.layerswarm.cli.admin;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "torrents",
    mixinStandardHelpOptions = true,
    description =
        "List the local agent's torrents: downloads in progress and the cached blobs"
            + " it seeds.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:ok",
      "1:the agent answered with an error",
      "2:bad usage",
      "3:no agent answered on the socket"
    })
public final class TorrentsCommand implements Callable<Integer> {
  @Mixin AdminOptions options;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    return options.run(
        spec,
        agent -> {
          TorrentsReport report = TorrentsReport.of(agent.torrents());
          options.print(spec, report, report::table);
        });
  }
}
