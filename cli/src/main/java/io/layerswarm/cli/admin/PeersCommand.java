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
      "2:bad usage",
      "3:no agent answered on the socket",
      "4:the agent holds no torrent for DIGEST"
    })
public final class PeersCommand implements Callable<Integer> {
  @Mixin AdminOptions options;

  @Parameters(
      paramLabel = "DIGEST",
      description = "The blob, sha256:<hex> (as `layerswarm" + " torrents --json` prints it).")
  String digest;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Digest blob = DigestArgument.parse(spec, digest);
    return options.run(
        spec,
        agent -> {
          PeersReport report = PeersReport.of(agent.peers(blob));
          options.print(spec, report, report::table);
        });
  }
}
