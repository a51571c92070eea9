package io.layerswarm.cli.admin;

import io.layerswarm.cli.admin.ServiceOptions.Role;
import io.layerswarm.proto.admin.TrackerPeersRequest;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "swarm-peers",
    mixinStandardHelpOptions = true,
    description = {
      "List the live peers of one swarm on the tracker at --server: address, seed"
          + " or leecher, zone and rack, and how long until the tracker drops each unless it"
          + " announces again.",
      "Name the swarm by info hash (40 hex characters, as `layerswarm swarms` shows it) or by"
          + " blob digest; a digest works once this tracker served the blob's metainfo."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:ok (also for a swarm without live peers)",
      "1:the tracker answered with an error (e.g. its peer store is down)",
      "2:bad usage",
      "3:the tracker's admin API did not answer",
      "4:the tracker does not know which swarm the digest is",
      "5:the tracker wants a token"
    })
public final class SwarmPeersCommand implements Callable<Integer> {
  private static final Pattern INFO_HASH = Pattern.compile("[0-9a-fA-F]{40}");

  @Mixin ServiceOptions options;

  @Parameters(
      paramLabel = "INFO-HASH|DIGEST",
      description = "40 hex characters, or sha256:<64 hex>.")
  String swarm;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "1000",
      description = "List at most N peers, 1 to 10000. Default: ${DEFAULT-VALUE}.")
  int limit;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (limit < 1 || limit > 10_000) {
      throw new ParameterException(
          spec.commandLine(), "--limit: " + limit + " is not from 1 to 10000");
    }
    String value = swarm.trim();
    TrackerPeersRequest.Builder request = TrackerPeersRequest.newBuilder().setLimit(limit);
    if (INFO_HASH.matcher(value).matches()) {
      request.setInfoHash(value.toLowerCase(Locale.ROOT));
    } else if (value.contains(":") || value.length() == 64) {
      request.setDigest(DigestArgument.parse(spec, "INFO-HASH|DIGEST", value, "").toString());
    } else {
      throw new ParameterException(
          spec.commandLine(),
          "INFO-HASH|DIGEST: '"
              + swarm
              + "' is"
              + " neither an info hash (40 hex characters) nor a digest (sha256:<64 hex>)");
    }
    return options.run(
        spec,
        Role.TRACKER,
        server -> {
          SwarmPeersReport report =
              SwarmPeersReport.of(new TrackerAdminClient(server).peers(request.build()));
          options.print(spec, report, report::table);
        });
  }
}
