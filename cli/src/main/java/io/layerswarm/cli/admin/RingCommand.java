package io.layerswarm.cli.admin;

import io.layerswarm.cli.admin.ServiceOptions.Role;
import io.layerswarm.core.Digest;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "ring",
    mixinStandardHelpOptions = true,
    description = {
      "Show the seeder ring as the seeder at --server sees it: every member with" + " its health.",
      "With --digest, also the blob's owners (the R members it hashes to) and which of them"
          + " serve it now (dead owners are stood in for by the next live members)."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:ok",
      "1:the seeder answered with an error",
      "2:bad usage",
      "3:the seeder's admin API did not answer",
      "5:the seeder wants a token"
    })
public final class RingCommand implements Callable<Integer> {
  @Mixin ServiceOptions options;

  @Option(
      names = "--digest",
      paramLabel = "DIGEST",
      description = "A blob, sha256:<hex>: show its owners.")
  String digest;

  @Spec CommandSpec spec;

  InstantSource clock = InstantSource.system();

  @Override
  public Integer call() {
    Optional<Digest> blob =
        digest == null
            ? Optional.empty()
            : Optional.of(DigestArgument.parse(spec, "--digest", digest, ""));
    return options.run(
        spec,
        Role.SEEDER,
        server -> {
          RingReport report =
              RingReport.of(
                  new SeederAdminClient(server).ring(blob),
                  blob.map(Digest::toString).orElse(null));
          options.print(spec, report, () -> report.table(clock.instant()));
        });
  }
}
