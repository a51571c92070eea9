package io.layerswarm.cli.admin;

import io.layerswarm.cli.admin.TableFormatter.Column;
import io.layerswarm.proto.admin.TrackerPeer;
import io.layerswarm.proto.admin.TrackerPeerList;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * What {@code layerswarm swarm-peers} shows: the live peers of one swarm as the tracker hands them
 * out, seeds first. The record is the {@code --json} output (snake_case keys); {@link #table} is
 * the human form. Pure.
 *
 * @param digest {@code sha256:<hex>} when known; null otherwise
 * @param totalPeers live peers; more than listed when the limit cut the list
 */
record SwarmPeersReport(
    String infoHash, String digest, int totalPeers, long downloaded, List<Peer> peers) {

  /**
   * @param peerId 40 hex characters
   * @param zone null when the peer sent none; so is rack
   * @param expiresInMillis until the tracker drops the peer unless it announces again
   */
  record Peer(
      String peerId,
      String address,
      boolean complete,
      String zone,
      String rack,
      long expiresInMillis) {}

  static SwarmPeersReport of(TrackerPeerList list) {
    return new SwarmPeersReport(
        list.getInfoHash(),
        list.getDigest().isEmpty() ? null : list.getDigest(),
        list.getTotalPeers(),
        list.getDownloaded(),
        list.getPeersList().stream().map(SwarmPeersReport::peer).toList());
  }

  private static Peer peer(TrackerPeer p) {
    return new Peer(
        p.getPeerId(),
        p.getAddress(),
        p.getComplete(),
        p.getZone().isEmpty() ? null : p.getZone(),
        p.getRack().isEmpty() ? null : p.getRack(),
        p.getExpiresInMillis());
  }

  String table() {
    long seeds = peers.stream().filter(Peer::complete).count();
    long leechers = peers.size() - seeds;
    TableFormatter head =
        TableFormatter.of(Column.left(""), Column.left("")).row("swarm", infoHash);
    if (digest != null) {
      head.row("digest", digest);
    }
    head.row(
        "peers",
        (peers.size() < totalPeers
                ? "showing " + peers.size() + " of " + totalPeers + " (--limit N shows more): "
                : "")
            + seeds
            + (seeds == 1 ? " seed, " : " seeds, ")
            + leechers
            + (leechers == 1 ? " leecher; " : " leechers; ")
            + downloaded
            + (downloaded == 1 ? " completed download" : " completed downloads"));
    StringBuilder out = new StringBuilder(head.render());
    if (peers.isEmpty()) {
      return out.append("\nno live peers\n").toString();
    }
    TableFormatter table =
        TableFormatter.of(
            Column.left("ADDRESS"),
            Column.left("ROLE"),
            Column.left("ZONE"),
            Column.left("RACK"),
            Column.right("EXPIRES IN"),
            Column.left("PEER ID"));
    for (Peer p : peers) {
      table.row(
          p.address(),
          p.complete() ? "seed" : "leecher",
          p.zone() == null ? "-" : p.zone(),
          p.rack() == null ? "-" : p.rack(),
          Units.duration(Duration.ofMillis(p.expiresInMillis())),
          printable(p.peerId()));
    }
    return out.append('\n').append(table.render()).toString();
  }

  /**
   * The peer id as text, as clients write it ({@code -LS0001-} and 12 random characters), with
   * bytes outside printable ASCII as {@code .}; the hex when it does not parse.
   */
  static String printable(String hex) {
    byte[] bytes;
    try {
      bytes = HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      return hex;
    }
    StringBuilder text = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      text.append(b > 0x20 && b < 0x7f ? (char) b : '.');
    }
    return text.toString();
  }
}
