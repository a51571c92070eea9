package io.layerswarm.cli.admin;

import io.layerswarm.cli.admin.ServiceOptions.Role;
import io.layerswarm.proto.admin.FleetPreheatProgress;
import io.layerswarm.proto.admin.FleetPreheatRequest;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.ParameterException;

/**
 * {@code layerswarm preheat IMAGE --agents}: asks the tracker's admin API for a fleet preheat and
 * shows each agent's progress and the total until every agent ended (bars on a terminal, one line
 * per agent change otherwise, JSON Lines with {@code --json}), then a summary. Exit 1 names every
 * agent that did not finish and why.
 */
final class FleetPreheatRun {
  /** The job's limit when --timeout is not given: the tracker's default. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

  /** The call outlives the job's own deadline by this much, so the tracker's verdict arrives. */
  static final Duration GRACE = Duration.ofMinutes(1);

  private static final Duration TICK = Duration.ofMillis(250);

  private FleetPreheatRun() {}

  static int run(PreheatCommand command, Optional<Duration> timeout, boolean bars) {
    var spec = command.spec;
    if (command.images.size() != 1) {
      throw new ParameterException(
          spec.commandLine(), "--agents takes one IMAGE, got " + command.images.size());
    }
    if (command.allPlatforms) {
      throw new ParameterException(
          spec.commandLine(),
          "--all-platforms does not go with --agents: each agent fetches one platform (its own,"
              + " or --platform)");
    }
    if (command.maxParallel != null && (command.maxParallel < 1 || command.maxParallel > 10_000)) {
      throw new ParameterException(
          spec.commandLine(), "--max-parallel must be from 1 to 10000, got " + command.maxParallel);
    }
    Duration limit = timeout.orElse(DEFAULT_TIMEOUT);
    String image = command.images.get(0);
    FleetPreheatRequest.Builder request =
        FleetPreheatRequest.newBuilder().setImage(image).setTimeoutMillis(limit.toMillis());
    Optional.ofNullable(command.platform).ifPresent(request::setPlatform);
    Optional.ofNullable(command.zone).ifPresent(request::setZone);
    Optional.ofNullable(command.rack).ifPresent(request::setRack);
    Optional.ofNullable(command.maxParallel).ifPresent(request::setMaxParallel);
    boolean json = command.options.json;
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int[] exit = {ServiceOptions.EXIT_OK};
    int code =
        command.options.run(
            spec,
            Role.TRACKER,
            server -> {
              long start = command.millis.getAsLong();
              FleetAgents state = new FleetAgents(image);
              ProgressBar bar = bars ? new ProgressBar(err) : null;
              try {
                new TrackerAdminClient(server)
                    .fleetPreheat(
                        request.build(),
                        limit.plus(GRACE),
                        TICK,
                        new StreamingCall.Listener<FleetPreheatProgress>() {
                          @Override
                          public void progress(FleetPreheatProgress p) {
                            long now = command.millis.getAsLong() - start;
                            if (json) {
                              state.events(p).forEach(e -> out.print(JsonReports.jsonLine(e)));
                              state.accept(p);
                            } else if (bar != null) {
                              state.accept(p);
                              bar.draw(state.frame(now), now, p.getEnded());
                            } else {
                              state.accept(p).forEach(out::println);
                            }
                            out.flush();
                          }

                          @Override
                          public void idle() {
                            if (bar != null) {
                              long now = command.millis.getAsLong() - start;
                              bar.draw(state.frame(now), now, false);
                            }
                          }
                        });
              } finally {
                if (bar != null) {
                  long now = command.millis.getAsLong() - start;
                  bar.draw(state.frame(now), now, true);
                }
              }
              long elapsed = command.millis.getAsLong() - start;
              out.print(
                  json
                      ? JsonReports.jsonLine(state.summary(elapsed))
                      : state.summaryTable(elapsed));
              out.flush();
              if (!state.allDone()) {
                ServiceOptions.error(spec, state.failures());
                exit[0] = ServiceOptions.EXIT_ERROR;
              }
            });
    return code != ServiceOptions.EXIT_OK ? code : exit[0];
  }
}
