package io.layerswarm.cli.admin;

import io.layerswarm.proto.admin.AgentDrainRequest;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "drain",
    mixinStandardHelpOptions = true,
    description = {
      "Take the local agent out of service, then let it exit.",
      "From now on every new registry request gets 503 with Retry-After, so dockerd,"
          + " containerd and podman retry or fall back to the next mirror or the origin."
          + " Responses in progress finish, and the agent keeps seeding until no peer has"
          + " downloaded from it and no response was in progress for the grace period (or the"
          + " timeout passed). Then the agent process exits with status 0; systemd does not"
          + " restart it (Restart=on-failure). Only a restart ends a drain.",
      "The command follows the drain to the end; Ctrl-C or --no-wait leave it running."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:drained or timed out (the agent exits), or started with --no-wait",
      "1:the agent answered with an error",
      "2:bad usage",
      "3:no agent answered on the socket (or it stopped answering)"
    })
public final class DrainCommand implements Callable<Integer> {
  @Mixin AdminOptions options;

  @Option(
      names = "--grace",
      paramLabel = "DURATION",
      description =
          "Quiet time (no upload, no response) before the agent exits: 0s to 1h,"
              + " e.g. 30s. Default: the agent's, 10s.")
  String grace;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description =
          "The agent exits after this long even if peers still download from it:"
              + " 1ms to 24h, e.g. 10m. Default: the agent's, 5m.")
  String timeout;

  @Option(
      names = "--no-wait",
      description = "Start the drain, print its first state, and" + " return; the drain goes on.")
  boolean noWait;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    AgentDrainRequest.Builder request = AgentDrainRequest.newBuilder();
    if (grace != null) {
      request.setGraceMillis(
          duration("--grace", grace, Duration.ZERO, Duration.ofHours(1)).toMillis());
    }
    if (timeout != null) {
      request.setTimeoutMillis(
          duration("--timeout", timeout, Duration.ofMillis(1), Duration.ofDays(1)).toMillis());
    }
    PrintWriter out = spec.commandLine().getOut();
    DrainReport.Lines lines = new DrainReport.Lines();
    return options.run(
        spec,
        agent -> {
          agent.drain(
              request.build(),
              !noWait,
              progress -> {
                DrainReport report = DrainReport.of(progress);
                out.print(options.json ? JsonReports.jsonLine(report) : lines.next(report));
                out.flush();
              });
          if (noWait && !options.json) {
            out.print(DrainReport.Lines.leaving());
            out.flush();
          }
        });
  }

  private Duration duration(String option, String text, Duration min, Duration max) {
    Duration d = Durations.parse(text).orElse(null);
    if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new ParameterException(
          spec.commandLine(),
          option
              + ": '"
              + text
              + "' is not a"
              + " duration from "
              + DrainReport.Lines.duration(min.toMillis())
              + " to "
              + DrainReport.Lines.duration(max.toMillis())
              + "; write for example 500ms, 30s, 5m"
              + " or 1h");
    }
    return d;
  }
}
