package io.layerswarm.cli.admin;

import io.layerswarm.cli.admin.TableFormatter.Column;
import io.layerswarm.proto.admin.FleetAgentProgress;
import io.layerswarm.proto.admin.FleetPreheatProgress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code layerswarm preheat --agents} knows of each agent, from the tracker's progress stream
 * (each message names the agents that changed, and the totals); and its renderings: one plain line
 * per agent change, a frame for terminals, the summary and its {@code --json} form. Pure: times are
 * passed in, in milliseconds since the command started. Not thread-safe.
 */
final class FleetAgents {
  /** A frame shows at most this many agents (running and failed ones first). */
  static final int FRAME_AGENTS = 20;

  private static final Comparator<FleetAgentProgress> FRAME_ORDER =
      Comparator.comparingInt((FleetAgentProgress a) -> rank(a.getState()))
          .thenComparing(FleetAgentProgress::getAgent);

  private final String image;
  private final Map<String, FleetAgentProgress> agents = new LinkedHashMap<>();
  private FleetPreheatProgress last = FleetPreheatProgress.getDefaultInstance();

  FleetAgents(String image) {
    this.image = image;
  }

  /** One agent change as {@code --json} prints it: {@code "type": "progress"}. */
  record Event(
      String type,
      String job,
      String agent,
      String zone,
      String rack,
      String state,
      int blobsLocal,
      int blobsTotal,
      long bytesLocal,
      long bytesTotal,
      String error) {
    static Event of(String job, FleetAgentProgress a) {
      return new Event(
          "progress",
          job,
          a.getAgent(),
          a.getZone(),
          a.getRack(),
          a.getState(),
          a.getBlobsLocal(),
          a.getBlobsTotal(),
          a.getBytesLocal(),
          a.getBytesTotal(),
          a.getError());
    }
  }

  /** The end, as {@code --json} prints it: {@code "type": "summary"}. */
  record Summary(
      String type,
      String job,
      String image,
      int agents,
      int done,
      int failed,
      int notEnded,
      long bytesLocal,
      long bytesTotal,
      long elapsedMillis,
      List<Event> agentList) {}

  /** Takes a message; returns its plain lines (one per agent that changed). */
  List<String> accept(FleetPreheatProgress message) {
    last = message;
    List<String> lines = new ArrayList<>();
    for (FleetAgentProgress a : message.getAgentsList()) {
      agents.put(a.getAgent(), a);
      lines.add(line(a));
    }
    return lines;
  }

  List<Event> events(FleetPreheatProgress message) {
    return message.getAgentsList().stream().map(a -> Event.of(message.getJobId(), a)).toList();
  }

  /** The terminal frame: a head line, the busiest agents, the totals. */
  List<String> frame(long nowMillis) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "fleet preheat "
            + image
            + " on "
            + last.getTotalAgents()
            + " agent(s)"
            + (last.getJobId().isEmpty() ? "" : " (job " + last.getJobId() + ")")
            + "  "
            + Units.duration(java.time.Duration.ofMillis(nowMillis)));
    List<FleetAgentProgress> shown = new ArrayList<>(agents.values());
    shown.sort(FRAME_ORDER);
    for (int i = 0; i < Math.min(FRAME_AGENTS, shown.size()); i++) {
      lines.add("  " + line(shown.get(i)));
    }
    if (shown.size() > FRAME_AGENTS) {
      lines.add("  ... " + (shown.size() - FRAME_AGENTS) + " more");
    }
    lines.add(totals());
    return lines;
  }

  String totals() {
    return "total: "
        + last.getDone()
        + " done, "
        + last.getRunning()
        + " running, "
        + last.getWaiting()
        + " waiting, "
        + last.getFailed()
        + " failed; "
        + Units.bytes(last.getBytesLocal())
        + " of "
        + Units.bytes(last.getBytesTotal())
        + " local";
  }

  boolean allDone() {
    return last.getEnded() && last.getTotalAgents() > 0 && last.getDone() == last.getTotalAgents();
  }

  /** Why the command fails: each agent that did not finish, with its reason. */
  String failures() {
    List<String> parts = new ArrayList<>();
    for (FleetAgentProgress a : agents.values()) {
      if (!a.getState().equals("done")) {
        parts.add(
            a.getAgent()
                + " "
                + a.getState()
                + (a.getError().isEmpty() ? "" : ": " + a.getError()));
      }
    }
    String head =
        last.getEnded()
            ? parts.size() + " of " + last.getTotalAgents() + " agent(s) did not finish"
            : "the job did not end";
    return parts.isEmpty() ? head : head + ": " + String.join("; ", parts);
  }

  Summary summary(long elapsedMillis) {
    List<Event> list = agents.values().stream().map(a -> Event.of(last.getJobId(), a)).toList();
    return new Summary(
        "summary",
        last.getJobId(),
        image,
        last.getTotalAgents(),
        last.getDone(),
        last.getFailed(),
        last.getTotalAgents() - last.getDone() - last.getFailed(),
        last.getBytesLocal(),
        last.getBytesTotal(),
        elapsedMillis,
        list);
  }

  /** The summary as a table: one row per agent, then the totals. */
  String summaryTable(long elapsedMillis) {
    TableFormatter table =
        TableFormatter.of(
            Column.left("AGENT"),
            Column.left("ZONE"),
            Column.left("RACK"),
            Column.left("STATE"),
            Column.right("BLOBS"),
            Column.right("LOCAL"),
            Column.right("SIZE"),
            Column.left("ERROR"));
    for (FleetAgentProgress a : agents.values()) {
      table.row(
          a.getAgent(),
          a.getZone().isEmpty() ? "-" : a.getZone(),
          a.getRack().isEmpty() ? "-" : a.getRack(),
          a.getState(),
          a.getBlobsLocal() + "/" + a.getBlobsTotal(),
          Units.bytes(a.getBytesLocal()),
          Units.bytes(a.getBytesTotal()),
          a.getError());
    }
    return table.render()
        + totals()
        + " in "
        + Units.duration(java.time.Duration.ofMillis(elapsedMillis))
        + "\n";
  }

  private static String line(FleetAgentProgress a) {
    String where = a.getZone().isEmpty() ? "" : " zone " + a.getZone();
    String progress =
        a.getBlobsTotal() == 0
            ? ""
            : " "
                + a.getBlobsLocal()
                + "/"
                + a.getBlobsTotal()
                + " blobs "
                + Units.bytes(a.getBytesLocal())
                + "/"
                + Units.bytes(a.getBytesTotal());
    return a.getAgent()
        + where
        + " "
        + a.getState()
        + progress
        + (a.getError().isEmpty() ? "" : ": " + a.getError());
  }

  private static int rank(String state) {
    return switch (state) {
      case "running" -> 0;
      case "failed" -> 1;
      case "waiting" -> 2;
      default -> 3;
    };
  }
}
