package io.layerswarm.cli.admin;

import io.layerswarm.cli.admin.ServiceOptions.Role;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "swarms",
    mixinStandardHelpOptions = true,
    description = {
      "List the live swarms of the tracker at --server, most peers first: info"
          + " hash, blob digest (when the tracker served its metainfo), seeds, leechers,"
          + " completed downloads.",
      "With a Redis peer store, the swarms of every tracker replica."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:ok",
      "1:the tracker answered with an error (e.g. its peer store is down)",
      "2:bad usage",
      "3:the tracker's admin API did not answer",
      "5:the tracker wants a token"
    })
public final class SwarmsCommand implements Callable<Integer> {
  @Mixin ServiceOptions options;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "1000",
      description = "List at most N swarms, 1 to 10000. Default: ${DEFAULT-VALUE}.")
  int limit;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (limit < 1 || limit > 10_000) {
      throw new ParameterException(
          spec.commandLine(), "--limit: " + limit + " is not from 1 to 10000");
    }
    return options.run(
        spec,
        Role.TRACKER,
        server -> {
          SwarmsReport report = SwarmsReport.of(new TrackerAdminClient(server).swarms(limit));
          options.print(spec, report, report::table);
        });
  }
}
