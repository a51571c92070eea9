package io.layerswarm.cli.admin;

import java.io.PrintWriter;
import java.util.List;

/**
 * Draws a frame of lines on a terminal and redraws it in place: the cursor goes back up over the
 * previous frame (ANSI {@code ESC[nA}) and each line is cleared ({@code ESC[2K}) before it is
 * written. Lines must fit the terminal's width, or a wrapped line throws the count off. Redraws
 * come at most every {@value #MIN_INTERVAL_MILLIS} ms unless forced. Not thread-safe.
 */
final class ProgressBar {
  static final long MIN_INTERVAL_MILLIS = 100;
  private static final String UP = "\033[%dA";
  private static final String CLEAR_LINE = "\r\033[2K";

  private final PrintWriter out;
  private int drawn;
  private long lastDrawMillis = Long.MIN_VALUE;

  ProgressBar(PrintWriter out) {
    this.out = out;
  }

  /** Draws {@code lines} over the previous frame, unless one was drawn just now and not forced. */
  void draw(List<String> lines, long nowMillis, boolean force) {
    if (!force
        && lastDrawMillis != Long.MIN_VALUE
        && nowMillis - lastDrawMillis < MIN_INTERVAL_MILLIS) {
      return;
    }
    StringBuilder frame = new StringBuilder();
    if (drawn > 0) {
      frame.append(String.format(UP, drawn));
    }
    for (String line : lines) {
      frame.append(CLEAR_LINE).append(line).append('\n');
    }
    // A shorter frame than the last: clear what is left of it, then come back up.
    for (int i = lines.size(); i < drawn; i++) {
      frame.append(CLEAR_LINE).append('\n');
    }
    if (drawn > lines.size()) {
      frame.append(String.format(UP, drawn - lines.size()));
    }
    out.print(frame);
    out.flush();
    drawn = Math.max(lines.size(), 0);
    lastDrawMillis = nowMillis;
  }
}
