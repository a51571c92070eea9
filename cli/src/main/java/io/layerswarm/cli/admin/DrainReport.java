package io.layerswarm.cli.admin;

import io.layerswarm.proto.admin.AgentDrainProgress;
import java.time.Duration;
import java.util.Locale;

/**
 * One progress message of {@code layerswarm drain}. The record is one line of the {@code --json}
 * output (JSON Lines, snake_case keys); {@link Lines} writes the human form. Pure.
 *
 * @param state {@code draining}, then {@code drained} or {@code timed_out}
 */
record DrainReport(
    String state,
    long elapsedMillis,
    int clientResponses,
    int uploadingTorrents,
    int connectedPeers,
    long uploadedBytes,
    long quietMillis,
    long graceMillis,
    long timeoutMillis,
    long refusedRequests) {

  static DrainReport of(AgentDrainProgress p) {
    String state =
        switch (p.getState()) {
          case DRAINING -> "draining";
          case DRAINED -> "drained";
          case TIMED_OUT -> "timed_out";
          default -> p.getState().name().toLowerCase(Locale.ROOT);
        };
    return new DrainReport(
        state,
        p.getElapsedMillis(),
        p.getClientResponses(),
        p.getUploadingTorrents(),
        p.getConnectedPeers(),
        p.getUploadedBytes(),
        p.getQuietMillis(),
        p.getGraceMillis(),
        p.getTimeoutMillis(),
        p.getRefusedRequests());
  }

  boolean isFinal() {
    return !state.equals("draining");
  }

  /**
   * The human form of a stream of reports: a first line that says what draining means, then a
   * progress line when the activity changes (or every {@link #EVERY} while it does not), and the
   * final state. Not thread-safe; one per command.
   */
  static final class Lines {
    static final Duration EVERY = Duration.ofSeconds(10);

    private DrainReport printed;

    /** The text to print for {@code report}: empty, or whole lines. */
    String next(DrainReport report) {
      StringBuilder out = new StringBuilder();
      if (printed == null) {
        out.append(
                "draining: new registry requests get 503 with Retry-After, so clients retry"
                    + " or fall back;\nthe agent exits after ")
            .append(duration(report.graceMillis()))
            .append(" without uploads or client responses, at most after ")
            .append(duration(report.timeoutMillis()))
            .append('\n');
      }
      if (report.state().equals("drained")) {
        out.append("drained after ")
            .append(duration(report.elapsedMillis()))
            .append(": the agent exits now (")
            .append(totals(report))
            .append(")\n");
      } else if (report.state().equals("timed_out")) {
        out.append("timed out after ")
            .append(duration(report.elapsedMillis()))
            .append(" with ")
            .append(activity(report))
            .append(": the agent exits now (")
            .append(totals(report))
            .append(")\n");
      } else if (printed == null
          || changed(printed, report)
          || report.elapsedMillis() - printed.elapsedMillis() >= EVERY.toMillis()) {
        out.append(
            String.format(
                Locale.ROOT,
                "%6s  %s, quiet for %s\n",
                duration(report.elapsedMillis()),
                activity(report),
                duration(report.quietMillis())));
      } else {
        return "";
      }
      printed = report;
      return out.toString();
    }

    /** For {@code --no-wait}: where the drain goes from here. */
    static String leaving() {
      return "the drain goes on in the agent; `layerswarm drain` again follows it to the end\n";
    }

    private static boolean changed(DrainReport a, DrainReport b) {
      return a.clientResponses() != b.clientResponses()
          || a.uploadingTorrents() != b.uploadingTorrents()
          || a.connectedPeers() != b.connectedPeers();
    }

    private static String activity(DrainReport r) {
      return plural(r.clientResponses(), "client response")
          + ", "
          + plural(r.uploadingTorrents(), "torrent")
          + " uploading, "
          + plural(r.connectedPeers(), "peer")
          + " connected";
    }

    private static String totals(DrainReport r) {
      return Units.bytes(r.uploadedBytes())
          + " uploaded to peers and "
          + plural(r.refusedRequests(), "request")
          + " refused during the drain";
    }

    private static String plural(long n, String noun) {
      return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** {@link Units#duration}, with milliseconds below a second. */
    static String duration(long millis) {
      return millis > 0 && millis < 1000
          ? millis + "ms"
          : Units.duration(Duration.ofMillis(millis));
    }
  }
}
