package io.layerswarm.cli.admin;

import io.layerswarm.proto.admin.PinList;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "wait-ready",
    mixinStandardHelpOptions = true,
    description = {
      "Wait until the local agent is ready: it serves, is not draining, and every pinned image"
          + " (agent.pins) is local; GET /ready answers 200 from then on.",
      "Shows the bytes of the pins that are local (a bar on a terminal, a line per change"
          + " otherwise). Waits for the agent to come up too: run it right after starting the"
          + " agent, e.g. before the host joins a load balancer."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:ready",
      "1:not ready when the timeout passed (the reason is printed), or the agent answered with"
          + " an error",
      "2:bad usage",
      "3:no agent answered on the socket until the timeout passed"
    })
public final class WaitReadyCommand implements Callable<Integer> {
  /** How often the agent is asked. */
  static final Duration POLL = Duration.ofSeconds(1);

  /** Without a terminal, a progress line at most this often (and only when it changed). */
  static final Duration PLAIN_EVERY = Duration.ofSeconds(5);

  @Mixin AdminOptions options;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "10m",
      description =
          "Give up after this long (1s to 7d, e.g. 90s, 10m, 1h). Default: ${DEFAULT-VALUE}.")
  String timeout;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    Duration limit = Durations.parse(timeout).orElse(null);
    if (limit == null
        || limit.compareTo(Duration.ofSeconds(1)) < 0
        || limit.compareTo(Duration.ofDays(7)) > 0) {
      throw new ParameterException(
          spec.commandLine(),
          "--timeout: '" + timeout + "' is not a duration from 1s to 7d; write for example 10m");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean bar = !options.json && System.console() != null;
    ProgressBar progress = new ProgressBar(err);
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    String lastLine = "";
    long lastPrinted = Long.MIN_VALUE;
    WaitReadyReport last = null;
    AdminException lastFailure = null;
    while (true) {
      long now = System.nanoTime();
      try (AgentClient agent = AgentClient.open(options.socket)) {
        PinList pins = agent.pins();
        boolean draining = agent.status().getDraining();
        last = WaitReadyReport.of(pins, draining, Duration.ofNanos(now - start));
        lastFailure = null;
      } catch (AgentUnreachableException e) {
        lastFailure = e; // not up yet: wait for it
      } catch (AdminException e) {
        err.println("layerswarm wait-ready: " + e.getMessage());
        err.flush();
        return AdminOptions.EXIT_ERROR;
      }
      if (last != null && last.ready()) {
        if (bar) {
          progress.draw(List.of(last.line()), now / 1_000_000, true);
        }
        options.print(spec, last, last::readyLine);
        return AdminOptions.EXIT_OK;
      }
      if (now - deadline >= 0) {
        break;
      }
      if (last != null && lastFailure == null && !options.json) {
        String line = last.line();
        if (bar) {
          progress.draw(List.of(line), now / 1_000_000, false);
        } else if (!line.equals(lastLine)
            && (lastPrinted == Long.MIN_VALUE || now - lastPrinted >= PLAIN_EVERY.toNanos())) {
          out.println(line);
          out.flush();
          lastLine = line;
          lastPrinted = now;
        }
      }
      Thread.sleep(POLL.toMillis());
    }
    if (lastFailure != null) {
      err.println(
          "layerswarm wait-ready: not ready after " + timeout + ": " + lastFailure.getMessage());
      err.flush();
      return AdminOptions.EXIT_UNREACHABLE;
    }
    if (options.json) {
      options.print(spec, last, last::readyLine);
    }
    err.println("layerswarm wait-ready: not ready after " + timeout + ": " + last.reason());
    err.flush();
    return AdminOptions.EXIT_ERROR;
  }
}
