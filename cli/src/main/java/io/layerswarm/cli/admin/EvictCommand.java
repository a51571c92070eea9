package io.layerswarm.cli.admin;

import io.layerswarm.core.Digest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "evict",
    mixinStandardHelpOptions = true,
    description = {
      "Remove one blob from the local agent: stop seeding it and delete it and its"
          + " saved metainfo. The next pull fetches it again.",
      "A blob that a client is reading through the agent, or that is being downloaded, is"
          + " left alone (exit code 1); try again when the pull is over."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:evicted",
      "1:the agent answered with an error, or the blob is in use",
      "2:bad usage",
      "3:no agent answered on the socket",
      "4:the agent has no blob, torrent or metainfo for DIGEST"
    })
public final class EvictCommand implements Callable<Integer> {
  @Mixin AdminOptions options;

  @Parameters(paramLabel = "DIGEST", description = "The blob, sha256:<hex>.")
  String digest;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Digest blob = DigestArgument.parse(spec, digest);
    return options.run(
        spec,
        agent -> {
          EvictReport report = EvictReport.of(agent.evict(blob));
          options.print(spec, report, report::table);
        });
  }
}
