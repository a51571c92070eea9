package io.layerswarm.cli.admin;

import io.layerswarm.cli.admin.ServiceOptions.Role;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "tracker-health",
    mixinStandardHelpOptions = true,
    description =
        "Show whether the tracker at --server can serve announces: its peer store"
            + " (memory or redis), up or down and why, and its swarm and peer counts.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the peer store is up",
      "1:the peer store is down (or another error)",
      "2:bad usage",
      "3:the tracker's admin API did not answer",
      "5:the tracker wants a token"
    })
public final class TrackerHealthCommand implements Callable<Integer> {
  @Mixin ServiceOptions options;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    boolean[] up = {false};
    int code =
        options.run(
            spec,
            Role.TRACKER,
            server -> {
              TrackerHealthReport report =
                  TrackerHealthReport.of(new TrackerAdminClient(server).health());
              options.print(spec, report, report::table);
              up[0] = report.up();
            });
    return code != ServiceOptions.EXIT_OK
        ? code
        : up[0] ? ServiceOptions.EXIT_OK : ServiceOptions.EXIT_ERROR;
  }
}
