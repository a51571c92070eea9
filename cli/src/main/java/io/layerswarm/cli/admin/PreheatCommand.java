package io.layerswarm.cli.admin;

import io.layerswarm.cli.admin.ServiceOptions.Role;
import io.layerswarm.proto.admin.PreheatProgress;
import io.layerswarm.proto.admin.PreheatRequest;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "preheat",
    mixinStandardHelpOptions = true,
    description = {
      "Have the seeders pull images' blobs (config and layers) from the origin"
          + " before anyone pulls them, so the first pull finds them seeded.",
      "The seeder at --server resolves each image and has every blob fetched by the seeders"
          + " that own it in the ring. Images go one after the other, their blobs in"
          + " parallel.",
      "On a terminal, progress bars on stderr; otherwise one line per step on stdout. A"
          + " summary follows. --json prints JSON Lines: each step (\"type\": \"progress\"),"
          + " then the summary (\"type\": \"summary\").",
      "Ctrl-C stops waiting; the seeder finishes the blobs it started and starts no more.",
      "With --agents, the tracker at --server (its tracker.admin-listen) has the agents instead"
          + " fetch IMAGE into their caches through the swarm (fleet preheat): every agent that"
          + " polls it, or those of --zone/--rack, at most --max-parallel at once, each agent's"
          + " progress and the total shown. Ctrl-C stops the job: no more agents start it."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every image complete",
      "1:an image failed (the message says which and"
          + " why), or the seeder refused the request; with --agents: an agent did not finish"
          + " (each is named with its reason), or no agent matches",
      "2:bad usage",
      "3:the seeder's admin API did not answer, or the connection broke",
      "5:the seeder wants a token (--token, --token-file, $LAYERSWARM_TOKEN)"
    })
public final class PreheatCommand implements Callable<Integer> {
  private static final Pattern PLATFORM = Pattern.compile("[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?");
  private static final Duration TICK = Duration.ofMillis(250);

  enum Progress {
    auto,
    tty,
    plain
  }

  @Mixin ServiceOptions options;

  @Parameters(
      arity = "1..*",
      paramLabel = "IMAGE",
      description =
          "Image references: registry-host[:port]/repo:tag, repo@sha256:<hex>, or a"
              + " Docker Hub-style name (the seeder's default upstream).")
  List<String> images;

  @Option(
      names = "--platform",
      paramLabel = "OS/ARCH[/VARIANT]",
      description =
          "Only this platform of multi-platform images, e.g. linux/amd64. Default:"
              + " every platform.")
  String platform;

  @Option(
      names = "--all-platforms",
      description =
          "Every platform of multi-platform images (the default; says so in scripts). Not"
              + " with --platform.")
  boolean allPlatforms;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description =
          "Give up after this long, e.g. 30m (the seeder goes on with the blobs it"
              + " started). Default: wait for the end.")
  String timeout;

  @Option(
      names = "--progress",
      paramLabel = "MODE",
      defaultValue = "auto",
      description =
          "auto (bars when stdout is a terminal), tty (bars on stderr), plain (lines"
              + " on stdout). Default: ${DEFAULT-VALUE}.")
  Progress progress;

  @Option(
      names = "--agents",
      description =
          "Fleet preheat: the agents fetch the image (one IMAGE), through the tracker at"
              + " --server. Without --platform, each agent its own platform.")
  boolean agents;

  @Option(
      names = "--zone",
      paramLabel = "ZONE",
      description = "With --agents: only agents whose agent.zone is ZONE.")
  String zone;

  @Option(
      names = "--rack",
      paramLabel = "RACK",
      description = "With --agents: only agents whose agent.rack is RACK.")
  String rack;

  @Option(
      names = "--max-parallel",
      paramLabel = "N",
      description = "With --agents: at most N agents fetch at once (1 to 10000). Default: 16.")
  Integer maxParallel;

  @Spec CommandSpec spec;

  /** Milliseconds on a monotonic clock; tests replace it. */
  LongSupplier millis = () -> System.nanoTime() / 1_000_000;

  @Override
  public Integer call() {
    if (platform != null && allPlatforms) {
      throw new ParameterException(
          spec.commandLine(),
          "--platform and --all-platforms exclude each other; give one of them");
    }
    if (platform != null && !PLATFORM.matcher(platform).matches()) {
      throw new ParameterException(
          spec.commandLine(),
          "--platform: '"
              + platform
              + "' is not"
              + " OS/ARCH[/VARIANT]; write for example linux/amd64 or linux/arm64/v8");
    }
    Optional<Duration> deadline = Optional.empty();
    if (timeout != null) {
      Duration d =
          ServiceOptions.duration(timeout)
              .filter(t -> !t.isZero())
              .orElseThrow(
                  () ->
                      new ParameterException(
                          spec.commandLine(),
                          "--timeout: '"
                              + timeout
                              + "' is not a"
                              + " duration; write for example 90s, 30m or 2h"));
      deadline = Optional.of(d);
    }
    if (agents) {
      return FleetPreheatRun.run(this, deadline, bars());
    }
    if (zone != null || rack != null || maxParallel != null) {
      throw new ParameterException(
          spec.commandLine(), "--zone, --rack and --max-parallel go with --agents");
    }
    boolean bars = bars();
    PreheatRequest.Builder request = PreheatRequest.newBuilder().addAllImages(images);
    if (platform != null) {
      request.setPlatform(platform);
    }
    Optional<Duration> limit = deadline;
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int[] exit = {ServiceOptions.EXIT_OK};
    int code =
        options.run(
            spec,
            Role.SEEDER,
            server -> {
              long start = millis.getAsLong();
              PreheatImages state = new PreheatImages(images, server.target().toString());
              ProgressBar bar = bars ? new ProgressBar(err) : null;
              int columns = columns();
              if (bar != null) {
                bar.draw(state.frame(0, columns), 0, true);
              }
              try {
                new SeederAdminClient(server)
                    .preheat(
                        request.build(),
                        limit,
                        TICK,
                        new SeederAdminClient.PreheatListener() {
                          @Override
                          public void progress(PreheatProgress p) {
                            long now = millis.getAsLong() - start;
                            String line = state.accept(p, now);
                            if (options.json) {
                              out.print(JsonReports.jsonLine(PreheatImages.Event.of(p)));
                              out.flush();
                            } else if (bar != null) {
                              boolean imageLevel =
                                  !p.getState().equals(PreheatImages.FETCHING)
                                      && !p.getState().equals(PreheatImages.DONE);
                              bar.draw(state.frame(now, columns), now, imageLevel);
                            } else {
                              out.print(line);
                              out.flush();
                            }
                          }

                          @Override
                          public void idle() {
                            if (bar != null) {
                              long now = millis.getAsLong() - start;
                              bar.draw(state.frame(now, columns), now, false);
                            }
                          }
                        });
              } finally {
                if (bar != null) {
                  long now = millis.getAsLong() - start;
                  bar.draw(state.frame(now, columns), now, true);
                }
              }
              long elapsed = millis.getAsLong() - start;
              state.end(elapsed);
              PreheatImages.Summary summary = state.summary(elapsed);
              out.print(
                  options.json
                      ? JsonReports.jsonLine(summary)
                      : PreheatImages.summaryTable(summary));
              out.flush();
              if (!state.allComplete()) {
                ServiceOptions.error(spec, state.failures());
                exit[0] = ServiceOptions.EXIT_ERROR;
              }
            });
    return code != ServiceOptions.EXIT_OK ? code : exit[0];
  }

  /** Progress bars on stderr: asked for, or auto on a terminal; never with --json. */
  private boolean bars() {
    return !options.json
        && (progress == Progress.tty
            || (progress == Progress.auto
                && System.console() != null
                && !"dumb".equals(options.environment.apply("TERM"))));
  }

  private int columns() {
    try {
      String value = options.environment.apply("COLUMNS");
      return value == null ? 80 : Math.max(40, Integer.parseInt(value.trim()));
    } catch (NumberFormatException e) {
      return 80;
    }
  }
}
