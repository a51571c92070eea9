package io.layerswarm.cli.admin;

import io.layerswarm.cli.admin.TableFormatter.Column;
import io.layerswarm.proto.admin.AgentEvictResponse;

/**
 * What {@code layerswarm evict DIGEST} shows: what the agent removed. The record is the {@code
 * --json} output (snake_case keys); {@link #table} is the human form. Pure.
 *
 * @param blobBytes size of the deleted blob, 0 when it was not cached
 */
record EvictReport(
    String digest,
    boolean torrentRemoved,
    boolean blobDeleted,
    long blobBytes,
    boolean metainfoDeleted) {

  static EvictReport of(AgentEvictResponse r) {
    return new EvictReport(
        r.getDigest(),
        r.getTorrentRemoved(),
        r.getBlobDeleted(),
        r.getBlobBytes(),
        r.getMetainfoDeleted());
  }

  String table() {
    return TableFormatter.of(Column.left(""), Column.left(""))
        .row("evicted", digest)
        .row("torrent", torrentRemoved ? "stopped and removed" : "none")
        .row("blob", blobDeleted ? "deleted, " + Units.bytes(blobBytes) + " freed" : "not cached")
        .row("metainfo", metainfoDeleted ? "deleted" : "none saved")
        .render();
  }
}
