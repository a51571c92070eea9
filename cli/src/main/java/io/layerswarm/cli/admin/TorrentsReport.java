package io.layerswarm.cli.admin;

import io.layerswarm.cli.admin.TableFormatter.Column;
import io.layerswarm.proto.admin.TorrentInfo;
import io.layerswarm.proto.admin.TorrentList;
import java.util.List;

/**
 * What {@code layerswarm torrents} shows. The record is the {@code --json} output (snake_case
 * keys); {@link #table} is the human form. Pure.
 */
record TorrentsReport(List<TorrentReport> torrents) {

  /**
   * One torrent the agent holds.
   *
   * @param digest {@code sha256:<hex>}, empty if the torrent is not named by a digest
   * @param progressPercent verified share of the size, one decimal
   */
  record TorrentReport(
      String digest,
      String infoHash,
      long sizeBytes,
      long verifiedBytes,
      double progressPercent,
      int peers,
      long uploadedBytes,
      long downloadedBytes,
      long duplicateBytes,
      boolean complete) {}

  static TorrentsReport of(TorrentList list) {
    return new TorrentsReport(
        list.getTorrentsList().stream().map(TorrentsReport::torrent).toList());
  }

  String table() {
    if (torrents.isEmpty()) {
      return "no torrents\n";
    }
    TableFormatter table =
        TableFormatter.of(
            Column.left("DIGEST"),
            Column.left("INFO HASH"),
            Column.right("SIZE"),
            Column.right("PROGRESS"),
            Column.right("PEERS"),
            Column.right("UPLOADED"),
            Column.right("DOWNLOADED"));
    for (TorrentReport t : torrents) {
      table.row(
          t.digest().isEmpty() ? "-" : StatusReport.shortDigest(t.digest()),
          t.infoHash().length() > 12 ? t.infoHash().substring(0, 12) : t.infoHash(),
          Units.bytes(t.sizeBytes()),
          Units.percent(t.progressPercent()),
          String.valueOf(t.peers()),
          Units.bytes(t.uploadedBytes()),
          Units.bytes(t.downloadedBytes()));
    }
    return table.render();
  }

  private static TorrentReport torrent(TorrentInfo t) {
    double progress =
        t.getSize() == 0 ? 100.0 : Math.round(1000.0 * t.getVerifiedBytes() / t.getSize()) / 10.0;
    return new TorrentReport(
        t.getDigest(),
        t.getInfoHash(),
        t.getSize(),
        t.getVerifiedBytes(),
        progress,
        t.getPeers(),
        t.getUploadedBytes(),
        t.getDownloadedBytes(),
        t.getDuplicateBytes(),
        t.getComplete());
  }
}
