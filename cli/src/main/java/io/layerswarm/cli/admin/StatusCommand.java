package io.layerswarm.cli.admin;

import io.layerswarm.proto.admin.AgentStatus;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show the local agent: cache use, transfers in progress, byte counters.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:ok",
      "1:the agent answered with an error",
      "2:bad usage",
      "3:no agent answered on the socket"
    })
public final class StatusCommand implements Callable<Integer> {
  private static final Pattern INTERVAL = Pattern.compile("(\\d+)(ms|s)");
  private static final Duration MAX_INTERVAL = Duration.ofMinutes(1);

  /** Waits between the two snapshots of {@code --rate}; tests replace it. */
  interface Pause {
    void sleep(Duration duration) throws InterruptedException;
  }

  @Mixin AdminOptions options;

  @Option(
      names = "--rate",
      arity = "0..1",
      fallbackValue = "1s",
      paramLabel = "DURATION",
      description =
          "Take two snapshots DURATION apart (default ${FALLBACK-VALUE}; e.g. 500ms,"
              + " 5s) and add transfer rates.")
  String rate;

  @Spec CommandSpec spec;

  Pause pause = d -> Thread.sleep(d.toMillis());

  @Override
  public Integer call() {
    Optional<Duration> interval = rate == null ? Optional.empty() : Optional.of(interval(rate));
    return options.run(
        spec,
        agent -> {
          AgentStatus first = agent.status();
          if (interval.isEmpty()) {
            print(StatusReport.of(first, Optional.empty()));
            return;
          }
          try {
            pause.sleep(interval.get());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException("interrupted between the two snapshots", e);
          }
          print(StatusReport.of(agent.status(), Optional.of(first)));
        });
  }

  private void print(StatusReport report) {
    options.print(spec, report, () -> report.table(options.socket));
  }

  private Duration interval(String text) {
    Matcher m = INTERVAL.matcher(text.trim());
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      Duration d = m.group(2).equals("ms") ? Duration.ofMillis(n) : Duration.ofSeconds(n);
      if (!d.isZero() && d.compareTo(MAX_INTERVAL) <= 0) {
        return d;
      }
    }
    throw new ParameterException(
        spec.commandLine(),
        "--rate: '" + text + "' is not a duration from 1ms to 60s; write for example 500ms or 2s");
  }
}
