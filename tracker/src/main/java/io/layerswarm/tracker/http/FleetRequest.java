package io.layerswarm.tracker.http;

import io.layerswarm.core.topology.Location;
import io.layerswarm.tracker.fleet.AgentReport;
import io.layerswarm.tracker.fleet.Fleet;
import io.layerswarm.tracker.fleet.FleetJobId;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code GET /fleet} query: {@code port} (the agent's peer port), {@code interval} (its poll
 * interval in seconds), {@code zone} and {@code rack} when known, and while it runs a job the
 * report: {@code job}, {@code state} ({@code running}, {@code done}, {@code failed}), {@code
 * blobs}, {@code of}, {@code bytes}, {@code total} and, when failed, {@code error}. Every value is
 * checked; a bad one is an {@link IllegalArgumentException} naming the parameter. Pure.
 */
record FleetRequest(int port, Location location, Duration interval, Optional<AgentReport> report) {
  /** More parameters than the endpoint knows are refused: each is decoded and kept for a while. */
  private static final int MAX_PARAMETERS = 16;

  static FleetRequest parse(String rawQuery) {
    Map<String, List<String>> q =
        new QueryStringDecoder(rawQuery, StandardCharsets.UTF_8, false, MAX_PARAMETERS)
            .parameters();
    int port = number(q, "port", 1, 65_535).orElseThrow(() -> missing("port")).intValue();
    long seconds =
        number(q, "interval", 1, Fleet.MAX_INTERVAL.toSeconds())
            .orElseThrow(() -> missing("interval"));
    Location location;
    try {
      location = new Location(text(q, "zone"), text(q, "rack"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    Optional<String> job = text(q, "job");
    if (job.isEmpty()) {
      return new FleetRequest(port, location, Duration.ofSeconds(seconds), Optional.empty());
    }
    FleetJobId id;
    try {
      id = new FleetJobId(job.get());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("job: " + e.getMessage(), e);
    }
    String state = text(q, "state").orElseThrow(() -> missing("state"));
    AgentReport.Outcome outcome =
        switch (state) {
          case "running" -> AgentReport.Outcome.RUNNING;
          case "done" -> AgentReport.Outcome.DONE;
          case "failed" -> AgentReport.Outcome.FAILED;
          default -> throw new IllegalArgumentException("state must be running, done or failed");
        };
    long max = Long.MAX_VALUE / 4;
    AgentReport report;
    try {
      report =
          new AgentReport(
              id,
              outcome,
              number(q, "blobs", 0, 1_000_000).orElse(0L).intValue(),
              number(q, "of", 0, 1_000_000).orElse(0L).intValue(),
              number(q, "bytes", 0, max).orElse(0L),
              number(q, "total", 0, max).orElse(0L),
              text(q, "error"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return new FleetRequest(port, location, Duration.ofSeconds(seconds), Optional.of(report));
  }

  private static Optional<String> text(Map<String, List<String>> q, String name) {
    List<String> values = q.get(name);
    if (values == null || values.isEmpty()) {
      return Optional.empty();
    }
    if (values.size() > 1) {
      throw new IllegalArgumentException(name + " is given more than once");
    }
    return Optional.of(values.get(0));
  }

  private static Optional<Long> number(
      Map<String, List<String>> q, String name, long min, long max) {
    Optional<String> value = text(q, name);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    String s = value.get();
    if (s.isEmpty() || s.length() > 19 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(
          name + " must be a whole number from " + min + " to " + max);
    }
    long n = Long.parseLong(s);
    if (n < min || n > max) {
      throw new IllegalArgumentException(name + " must be from " + min + " to " + max);
    }
    return Optional.of(n);
  }

  private static IllegalArgumentException missing(String name) {
    return new IllegalArgumentException(name + " is missing");
  }
}
