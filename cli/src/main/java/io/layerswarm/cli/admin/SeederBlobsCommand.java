package io.layerswarm.cli.admin;

import io.layerswarm.cli.admin.ServiceOptions.Role;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "seeder-blobs",
    mixinStandardHelpOptions = true,
    description =
        "List the blobs the seeder at --server holds: size, seeding, peers, uploads,"
            + " last access; and its eviction settings.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:ok",
      "1:the seeder answered with an error",
      "2:bad usage",
      "3:the seeder's admin API did not answer",
      "5:the seeder wants a token"
    })
public final class SeederBlobsCommand implements Callable<Integer> {
  @Mixin ServiceOptions options;

  @Spec CommandSpec spec;

  InstantSource clock = InstantSource.system();

  @Override
  public Integer call() {
    return options.run(
        spec,
        Role.SEEDER,
        server -> {
          SeederBlobsReport report = SeederBlobsReport.of(new SeederAdminClient(server).blobs());
          options.print(spec, report, () -> report.table(clock.instant()));
        });
  }
}
