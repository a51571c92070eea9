package io.layerswarm.cli.admin;

import io.layerswarm.core.Digest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "evict",
    mixinStandardHelpOptions = true,
    description = {
      "Remove one blob from the local agent: stop seeding it and delete it and its"
          + " saved metainfo. The next pull fetches it again.",
      "A blob that a client is reading through the agent, or that is being downloaded, is"
          + " left alone (exit code 1); try again when the pull is over.",
      "A blob of a pinned image (agent.pins) is refused too (exit code 1) unless --force;"
          + " the agent then fetches it again at once."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:evicted",
      "1:the agent answered with an error, or the blob is in use or pinned",
      "2:bad usage, or a DIGEST prefix that matches several torrents",
      "3:no agent answered on the socket",
      "4:the agent has no blob, torrent or metainfo for DIGEST"
    })
public final class EvictCommand implements Callable<Integer> {
  @Mixin AdminOptions options;

  @Parameters(
      paramLabel = "DIGEST",
      description =
          "The blob: sha256:<hex>, or any prefix that names one torrent, with or without"
              + " sha256: (as `layerswarm torrents` prints it). A cached blob without a torrent"
              + " needs its whole digest.")
  String digest;

  @Option(
      names = "--force",
      description = "Evict a blob of a pinned image too (the agent fetches it again).")
  boolean force;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    String hex = DigestArgument.prefix(spec, digest);
    return options.run(
        spec,
        agent -> {
          Digest blob = DigestArgument.resolve(spec, digest, hex, agent);
          EvictReport report = EvictReport.of(agent.evict(blob, force));
          options.print(spec, report, report::table);
        });
  }
}
