package io.layerswarm.cli.admin;

import io.layerswarm.cli.admin.TableFormatter.Column;
import io.layerswarm.proto.admin.SeederBlob;
import io.layerswarm.proto.admin.SeederBlobList;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * What {@code layerswarm seeder-blobs} shows: the blobs one seeder holds, largest first, and its
 * eviction settings. The record is the {@code --json} output (snake_case keys); {@link #table} is
 * the human form. Pure.
 */
record SeederBlobsReport(int blobCount, long storedBytes, Eviction eviction, List<Blob> blobs) {

  /**
   * @param infoHash 40 hex characters; null when the blob is not seeded
   * @param lastAccessMillis epoch ms of the last metainfo request or upload; null when none since
   *     the seeder started
   */
  record Blob(
      String digest,
      long sizeBytes,
      String infoHash,
      boolean seeding,
      int peers,
      long uploadedBytes,
      Long lastAccessMillis) {}

  /** The seeder's eviction settings; 0 = off. */
  record Eviction(long diskHighWatermarkBytes, long diskLowWatermarkBytes, long timeToIdleMillis) {}

  static SeederBlobsReport of(SeederBlobList list) {
    List<Blob> blobs =
        list.getBlobsList().stream()
            .sorted(
                Comparator.comparingLong(SeederBlob::getSize)
                    .reversed()
                    .thenComparing(SeederBlob::getDigest))
            .map(
                b ->
                    new Blob(
                        b.getDigest(),
                        b.getSize(),
                        b.getInfoHash().isEmpty() ? null : b.getInfoHash(),
                        b.getSeeding(),
                        b.getPeers(),
                        b.getUploadedBytes(),
                        b.getLastAccessMillis() == 0 ? null : b.getLastAccessMillis()))
            .toList();
    return new SeederBlobsReport(
        blobs.size(),
        list.getStoredBytes(),
        new Eviction(
            list.getDiskHighWatermark(), list.getDiskLowWatermark(), list.getTimeToIdleMillis()),
        blobs);
  }

  String table(Instant now) {
    StringBuilder out = new StringBuilder();
    if (blobs.isEmpty()) {
      out.append("no blobs\n");
    } else {
      TableFormatter table =
          TableFormatter.of(
              Column.left("DIGEST"),
              Column.right("SIZE"),
              Column.left("SEEDING"),
              Column.right("PEERS"),
              Column.right("UPLOADED"),
              Column.right("LAST ACCESS"),
              Column.left("INFO HASH"));
      for (Blob b : blobs) {
        table.row(
            StatusReport.shortDigest(b.digest()),
            Units.bytes(b.sizeBytes()),
            b.seeding() ? "yes" : "no",
            String.valueOf(b.peers()),
            Units.bytes(b.uploadedBytes()),
            RingReport.ago(b.lastAccessMillis(), now),
            b.infoHash() == null
                ? "-"
                : b.infoHash().substring(0, Math.min(12, b.infoHash().length())));
      }
      out.append(table.render());
    }
    out.append(blobCount)
        .append(blobCount == 1 ? " blob, " : " blobs, ")
        .append(Units.bytes(storedBytes))
        .append(" stored; ")
        .append(evictionText())
        .append('\n');
    return out.toString();
  }

  private String evictionText() {
    String space =
        eviction.diskHighWatermarkBytes() == 0
            ? null
            : "above "
                + Units.bytes(eviction.diskHighWatermarkBytes())
                + " down to "
                + Units.bytes(eviction.diskLowWatermarkBytes());
    String idle =
        eviction.timeToIdleMillis() == 0
            ? null
            : "after " + Units.duration(Duration.ofMillis(eviction.timeToIdleMillis())) + " idle";
    if (space == null && idle == null) {
      return "eviction off";
    }
    return "evicts " + (space == null ? idle : idle == null ? space : space + ", and " + idle);
  }
}
