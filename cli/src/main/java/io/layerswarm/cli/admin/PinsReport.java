package io.layerswarm.cli.admin;

import io.layerswarm.cli.admin.TableFormatter.Column;
import io.layerswarm.proto.admin.PinInfo;
import io.layerswarm.proto.admin.PinList;
import java.util.List;

/**
 * What {@code layerswarm pins} shows. The record is the {@code --json} output (snake_case keys);
 * {@link #table} is the human form. Pure.
 */
record PinsReport(boolean complete, List<PinReport> pins) {

  /**
   * One pinned image.
   *
   * @param digest {@code sha256:<hex>} the reference resolved to, empty until resolved
   * @param missing what is missing in words, empty when complete
   * @param lastError empty after a successful attempt
   */
  record PinReport(
      String reference,
      String platform,
      String digest,
      boolean complete,
      int blobs,
      int localBlobs,
      long bytes,
      long localBytes,
      String missing,
      String lastError) {}

  static PinsReport of(PinList list) {
    return new PinsReport(
        list.getComplete(), list.getPinsList().stream().map(PinsReport::pin).toList());
  }

  String table() {
    if (pins.isEmpty()) {
      return "no pinned images (agent.pins is empty)\n";
    }
    TableFormatter table =
        TableFormatter.of(
            Column.left("REFERENCE"),
            Column.left("PLATFORM"),
            Column.left("DIGEST"),
            Column.right("BLOBS"),
            Column.right("LOCAL"),
            Column.left("STATE"));
    StringBuilder errors = new StringBuilder();
    for (PinReport p : pins) {
      table.row(
          p.reference(),
          p.platform(),
          p.digest().isEmpty() ? "-" : StatusReport.shortDigest(p.digest()),
          p.localBlobs() + "/" + p.blobs(),
          Units.bytes(p.localBytes()) + "/" + Units.bytes(p.bytes()),
          p.complete() ? "complete" : "missing " + Units.bytes(p.bytes() - p.localBytes()));
      if (!p.lastError().isEmpty()) {
        errors.append(p.reference()).append(": last error: ").append(p.lastError()).append('\n');
      }
    }
    return table.render() + errors;
  }

  private static PinReport pin(PinInfo p) {
    return new PinReport(
        p.getReference(),
        p.getPlatform(),
        p.hasDigest() ? p.getDigest() : "",
        p.getComplete(),
        p.getBlobs(),
        p.getLocalBlobs(),
        p.getBytes(),
        p.getLocalBytes(),
        p.getMissing(),
        p.hasLastError() ? p.getLastError() : "");
  }
}
