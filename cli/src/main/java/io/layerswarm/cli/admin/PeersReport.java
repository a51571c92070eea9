package io.layerswarm.cli.admin;

import io.layerswarm.cli.admin.TableFormatter.Column;
import io.layerswarm.proto.admin.TorrentPeer;
import io.layerswarm.proto.admin.TorrentPeers;
import java.util.List;

/**
 * What {@code layerswarm peers DIGEST} shows: the torrent of one blob and its peers. The record is
 * the {@code --json} output (snake_case keys, every key always present, null when unknown); {@link
 * #table} is the human form. Pure.
 *
 * @param peerDetails false when the agent reports only the number of peers; then peers is empty
 */
record PeersReport(
    String digest,
    String infoHash,
    long sizeBytes,
    long verifiedBytes,
    double progressPercent,
    boolean complete,
    int connectedPeers,
    long uploadedBytes,
    long downloadedBytes,
    boolean peerDetails,
    List<PeerReport> peers) {

  static final String NO_DETAILS =
      "per-peer details (address, client, progress, rates) are not"
          + " available: this agent's swarm engine reports only the number of connected peers\n";

  /** Azureus-style peer ids start with the client and version in 8 characters: -LS0100-. */
  private static final int CLIENT_PREFIX = 8;

  /**
   * One peer connection.
   *
   * @param clientId the handshake's peer id, non-printable bytes as %XX
   * @param progressPercent share of the blob the peer has, one decimal; null if unknown
   * @param downloadBytesPerSecond from this peer; null if unknown
   * @param uploadBytesPerSecond to this peer; null if unknown
   * @param outgoing true when this agent opened the connection
   * @param zone the zone the peer said it is in; null if unknown
   * @param rack its rack; null if unknown
   * @param tier how near it is: rack, zone or other (also when unknown); null from an agent that
   *     does not say
   */
  record PeerReport(
      String address,
      String clientId,
      Double progressPercent,
      Long downloadBytesPerSecond,
      Long uploadBytesPerSecond,
      long downloadedBytes,
      long uploadedBytes,
      boolean outgoing,
      String zone,
      String rack,
      String tier) {}

  static PeersReport of(TorrentPeers t) {
    double progress =
        t.getSize() == 0 ? 100.0 : Math.round(1000.0 * t.getVerifiedBytes() / t.getSize()) / 10.0;
    List<PeerReport> peers = t.getPeersList().stream().map(PeersReport::peer).toList();
    return new PeersReport(
        t.getDigest(),
        t.getInfoHash(),
        t.getSize(),
        t.getVerifiedBytes(),
        progress,
        t.getComplete(),
        t.getConnectedPeers(),
        t.getUploadedBytes(),
        t.getDownloadedBytes(),
        t.getPeerDetails(),
        peers);
  }

  private static PeerReport peer(TorrentPeer p) {
    return new PeerReport(
        p.getAddress(),
        p.getClientId(),
        p.hasProgress() ? Math.round(p.getProgress() * 1000) / 10.0 : null,
        p.hasDownloadBytesPerSecond() ? p.getDownloadBytesPerSecond() : null,
        p.hasUploadBytesPerSecond() ? p.getUploadBytesPerSecond() : null,
        p.getDownloadedBytes(),
        p.getUploadedBytes(),
        p.getOutgoing(),
        p.getZone().isEmpty() ? null : p.getZone(),
        p.getRack().isEmpty() ? null : p.getRack(),
        p.getTier().isEmpty() ? null : p.getTier());
  }

  /** The torrent as label and value lines, then one line per peer (or why there are none). */
  String table() {
    String torrent =
        TableFormatter.of(Column.left(""), Column.left(""))
            .row("digest", digest)
            .row("info hash", infoHash)
            .row("size", Units.bytes(sizeBytes))
            .row(
                "progress",
                Units.percent(progressPercent) + (complete ? ", seeding" : ", downloading"))
            .row("peers", connectedPeers + " connected")
            .row("uploaded", Units.bytes(uploadedBytes))
            .row("downloaded", Units.bytes(downloadedBytes))
            .render();
    if (!peerDetails) {
      return torrent + "\n" + NO_DETAILS;
    }
    if (peers.isEmpty()) {
      return torrent + "\nno peers connected\n";
    }
    TableFormatter table =
        TableFormatter.of(
            Column.left("ADDRESS"),
            Column.left("CLIENT"),
            Column.left("DIR"),
            Column.left("ZONE"),
            Column.left("RACK"),
            Column.left("TIER"),
            Column.right("HAS"),
            Column.right("DOWN RATE"),
            Column.right("UP RATE"),
            Column.right("DOWNLOADED"),
            Column.right("UPLOADED"));
    for (PeerReport p : peers) {
      table.row(
          p.address(),
          client(p.clientId()),
          p.outgoing() ? "out" : "in",
          p.zone() == null ? "-" : p.zone(),
          p.rack() == null ? "-" : p.rack(),
          p.tier() == null ? "-" : p.tier(),
          p.progressPercent() == null ? "unknown" : Units.percent(p.progressPercent()),
          p.downloadBytesPerSecond() == null ? "-" : Units.rate(p.downloadBytesPerSecond()),
          p.uploadBytesPerSecond() == null ? "-" : Units.rate(p.uploadBytesPerSecond()),
          Units.bytes(p.downloadedBytes()),
          Units.bytes(p.uploadedBytes()));
    }
    return torrent + "\n" + table.render();
  }

  /** The client part of a peer id; the full id is in the JSON. */
  private static String client(String clientId) {
    if (clientId.isEmpty()) {
      return "-";
    }
    return clientId.length() <= CLIENT_PREFIX ? clientId : clientId.substring(0, CLIENT_PREFIX);
  }
}
