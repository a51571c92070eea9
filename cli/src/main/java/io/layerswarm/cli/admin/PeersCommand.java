package io.layerswarm.cli.admin;

import io.layerswarm.core.Digest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "peers",
    mixinStandardHelpOptions = true,
    description = "Show the peers of one blob's torrent in the local agent.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:ok",
      "1:the agent answered with an error",
      "2:bad usage, or a DIGEST prefix that matches several torrents",
      "3:no agent answered on the socket",
      "4:the agent holds no torrent for DIGEST"
    })
public final class PeersCommand implements Callable<Integer> {
  @Mixin AdminOptions options;

  @Parameters(
      paramLabel = "DIGEST",
      description =
          "The blob: sha256:<hex>, or any prefix that names one torrent, with or without"
              + " sha256: (as `layerswarm torrents` prints it).")
  String digest;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    String hex = DigestArgument.prefix(spec, digest);
    return options.run(
        spec,
        agent -> {
          Digest blob = DigestArgument.resolve(spec, digest, hex, agent);
          PeersReport report = PeersReport.of(agent.peers(blob));
          options.print(spec, report, report::table);
        });
  }
}
