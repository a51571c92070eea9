package io.layerswarm.cli.admin;

import io.layerswarm.cli.admin.TableFormatter.Column;
import io.layerswarm.proto.admin.TrackerSwarmList;
import java.util.List;

/**
 * What {@code layerswarm swarms} shows: a tracker's live swarms, most peers first. The record is
 * the {@code --json} output (snake_case keys); {@link #table} is the human form. Pure.
 *
 * @param peerStore {@code memory} or {@code redis} (then the swarms of every replica)
 * @param totalSwarms live swarms in the store; more than listed when the limit cut the list
 */
record SwarmsReport(String peerStore, int totalSwarms, List<Swarm> swarms) {

  /**
   * @param digest {@code sha256:<hex>} when the tracker knows it; null otherwise
   */
  record Swarm(String infoHash, String digest, int seeds, int leechers, long downloaded) {}

  static SwarmsReport of(TrackerSwarmList list) {
    return new SwarmsReport(
        list.getPeerStore(),
        list.getTotalSwarms(),
        list.getSwarmsList().stream()
            .map(
                s ->
                    new Swarm(
                        s.getInfoHash(),
                        s.getDigest().isEmpty() ? null : s.getDigest(),
                        s.getSeeds(),
                        s.getLeechers(),
                        s.getDownloaded()))
            .toList());
  }

  String table() {
    StringBuilder out = new StringBuilder();
    if (!swarms.isEmpty()) {
      TableFormatter table =
          TableFormatter.of(
              Column.left("INFO HASH"),
              Column.left("DIGEST"),
              Column.right("SEEDS"),
              Column.right("LEECHERS"),
              Column.right("DOWNLOADED"));
      for (Swarm s : swarms) {
        table.row(
            s.infoHash(),
            s.digest() == null ? "-" : StatusReport.shortDigest(s.digest()),
            String.valueOf(s.seeds()),
            String.valueOf(s.leechers()),
            String.valueOf(s.downloaded()));
      }
      out.append(table.render());
    }
    int peers = swarms.stream().mapToInt(s -> s.seeds() + s.leechers()).sum();
    if (swarms.size() < totalSwarms) {
      out.append("showing ")
          .append(swarms.size())
          .append(" of ")
          .append(totalSwarms)
          .append(" swarms (--limit N shows more); ");
    } else {
      out.append(totalSwarms)
          .append(totalSwarms == 1 ? " swarm, " : " swarms, ")
          .append(peers)
          .append(peers == 1 ? " peer; " : " peers; ");
    }
    out.append("peer store: ").append(peerStore).append('\n');
    return out.toString();
  }
}
