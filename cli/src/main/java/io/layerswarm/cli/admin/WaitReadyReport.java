package io.layerswarm.cli.admin;

import io.layerswarm.proto.admin.PinInfo;
import io.layerswarm.proto.admin.PinList;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code layerswarm wait-ready} knows at one poll: the record is its {@code --json} output;
 * {@link #line} the progress line, {@link #reason} why it is not ready. Pure.
 *
 * @param missing one entry per pin that is not complete: "reference: what is missing"
 */
record WaitReadyReport(
    boolean ready,
    boolean draining,
    int pins,
    int completePins,
    long bytes,
    long localBytes,
    long waitedMillis,
    List<String> missing) {
  private static final int BAR_WIDTH = 30;

  static WaitReadyReport of(PinList list, boolean draining, Duration waited) {
    long bytes = 0;
    long local = 0;
    int complete = 0;
    List<String> missing = new ArrayList<>();
    for (PinInfo pin : list.getPinsList()) {
      bytes += pin.getBytes();
      local += pin.getLocalBytes();
      if (pin.getComplete()) {
        complete++;
      } else {
        missing.add(pin.getReference() + ": " + pin.getMissing());
      }
    }
    return new WaitReadyReport(
        list.getComplete() && !draining,
        draining,
        list.getPinsCount(),
        complete,
        bytes,
        local,
        waited.toMillis(),
        List.copyOf(missing));
  }

  /** {@code [#####.....] 40% 280 MiB / 700 MiB, 1 of 2 pinned images complete}. */
  String line() {
    double share = bytes == 0 ? (ready ? 1 : 0) : (double) localBytes / bytes;
    int filled = (int) Math.floor(share * BAR_WIDTH);
    return "["
        + "#".repeat(filled)
        + ".".repeat(BAR_WIDTH - filled)
        + "] "
        + Units.percent(Math.floor(share * 1000) / 10.0)
        + "  "
        + Units.bytes(localBytes)
        + " / "
        + Units.bytes(bytes)
        + ", "
        + completePins
        + " of "
        + pins
        + " pinned image"
        + (pins == 1 ? "" : "s")
        + " complete"
        + (draining ? ", draining" : "");
  }

  /** Why the agent is not ready: the agent drains, and each incomplete pin. */
  String reason() {
    List<String> parts = new ArrayList<>();
    if (draining) {
      parts.add("the agent is draining");
    }
    parts.addAll(missing);
    return parts.isEmpty() ? "ready" : String.join("; ", parts);
  }

  String readyLine() {
    return "ready: "
        + pins
        + " pinned image"
        + (pins == 1 ? "" : "s")
        + " local ("
        + Units.bytes(bytes)
        + ") after "
        + Units.duration(Duration.ofMillis(waitedMillis))
        + "\n";
  }
}
