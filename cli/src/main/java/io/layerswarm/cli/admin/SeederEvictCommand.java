package io.layerswarm.cli.admin;

import io.layerswarm.cli.admin.ServiceOptions.Role;
import io.layerswarm.core.Digest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "seeder-evict",
    mixinStandardHelpOptions = true,
    description = {
      "Evict one blob from the seeder at --server now: stop seeding it and delete"
          + " it. The next request for it fetches it from the origin again.",
      "A blob being uploaded to a peer or being fetched is left alone (exit code 1); try"
          + " again later."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:evicted",
      "1:the seeder answered with an error, or the blob is in use",
      "2:bad usage",
      "3:the seeder's admin API did not answer",
      "4:the seeder does not hold DIGEST",
      "5:the seeder wants a token"
    })
public final class SeederEvictCommand implements Callable<Integer> {
  @Mixin ServiceOptions options;

  @Parameters(paramLabel = "DIGEST", description = "The blob, sha256:<hex>.")
  String digest;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Digest blob = DigestArgument.parse(spec, "DIGEST", digest, "");
    int[] exit = {ServiceOptions.EXIT_OK};
    int code =
        options.run(
            spec,
            Role.SEEDER,
            server -> {
              SeederEvictReport report =
                  SeederEvictReport.of(blob.toString(), new SeederAdminClient(server).evict(blob));
              options.print(spec, report, report::table);
              exit[0] = report.exitCode();
            });
    return code != ServiceOptions.EXIT_OK ? code : exit[0];
  }
}
