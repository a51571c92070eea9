package io.layerswarm.cli.admin;

import io.layerswarm.cli.admin.TableFormatter.Column;
import io.layerswarm.proto.admin.AgentStatus;
import io.layerswarm.proto.admin.Transfer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code layerswarm status} shows: one agent snapshot, plus rates when a second, earlier
 * snapshot is given. The record is the {@code --json} output (snake_case keys, every key always
 * present, null when unknown); {@link #table} is the human form. Pure.
 *
 * @param rates null unless two snapshots were taken
 */
record StatusReport(
    String version,
    long uptimeMillis,
    boolean draining,
    String listen,
    int peerPort,
    long cacheBytes,
    long cachedBlobs,
    int torrents,
    int peerConnections,
    long uploadedBytes,
    long downloadedBytes,
    long duplicateBytes,
    long swarmBytes,
    long originFallbackBytes,
    Rates rates,
    List<TransferReport> transfers) {

  /**
   * Bytes per second between two snapshots, by the agent's own clock.
   *
   * @param intervalMillis agent uptime between the snapshots
   */
  record Rates(
      long intervalMillis,
      long uploadBytesPerSecond,
      long downloadBytesPerSecond,
      long originBytesPerSecond) {}

  /**
   * One download in progress.
   *
   * @param sizeBytes null until the agent knows it
   * @param progressPercent verified share of the size, one decimal; null while the size is unknown
   * @param bytesPerSecond verified bytes per second; null unless rates were sampled
   */
  record TransferReport(
      String digest,
      String state,
      Long sizeBytes,
      long verifiedBytes,
      Double progressPercent,
      int peers,
      Long bytesPerSecond) {}

  /**
   * The report for {@code now}; with {@code before}, also the rates in between. A transfer absent
   * from {@code before} started in between and counts from zero. Counters that went down (a torrent
   * was dropped) count as no progress; if the agent restarted in between there are no rates.
   */
  static StatusReport of(AgentStatus now, Optional<AgentStatus> before) {
    long interval = before.map(b -> now.getUptimeMillis() - b.getUptimeMillis()).orElse(0L);
    Optional<AgentStatus> earlier = interval > 0 ? before : Optional.empty();
    Rates rates =
        earlier
            .map(
                b ->
                    new Rates(
                        interval,
                        perSecond(now.getUploadedBytes() - b.getUploadedBytes(), interval),
                        perSecond(now.getDownloadedBytes() - b.getDownloadedBytes(), interval),
                        perSecond(
                            now.getOriginFallbackBytes() - b.getOriginFallbackBytes(), interval)))
            .orElse(null);
    Map<String, Long> verifiedBefore = new HashMap<>();
    earlier.ifPresent(
        b ->
            b.getTransfersList()
                .forEach(t -> verifiedBefore.put(t.getDigest(), t.getVerifiedBytes())));
    List<TransferReport> transfers =
        now.getTransfersList().stream()
            .map(
                t ->
                    new TransferReport(
                        t.getDigest(),
                        t.getState(),
                        t.hasSize() ? t.getSize() : null,
                        t.getVerifiedBytes(),
                        progress(t),
                        t.getPeers(),
                        rates == null
                            ? null
                            : perSecond(
                                t.getVerifiedBytes()
                                    - verifiedBefore.getOrDefault(t.getDigest(), 0L),
                                interval)))
            .toList();
    return new StatusReport(
        now.getVersion(),
        now.getUptimeMillis(),
        now.getDraining(),
        now.getListen(),
        now.getPeerPort(),
        now.getCacheBytes(),
        now.getCachedBlobs(),
        now.getTorrents(),
        now.getPeerConnections(),
        now.getUploadedBytes(),
        now.getDownloadedBytes(),
        now.getDuplicateBytes(),
        now.getSwarmBytes(),
        now.getOriginFallbackBytes(),
        rates,
        transfers);
  }

  /** The human form: who the agent is, its counters, then the transfers. */
  String table(Path socket) {
    boolean sampled = rates != null;
    String identity =
        TableFormatter.of(Column.left(""), Column.left(""))
            .row(
                "agent",
                version
                    + ", up "
                    + Units.duration(Duration.ofMillis(uptimeMillis))
                    + (draining ? ", DRAINING: refuses new requests and exits soon" : ""))
            .row("socket", socket.toString())
            .row("registry", listen)
            .row("peer port", String.valueOf(peerPort))
            .render();

    TableFormatter counters =
        sampled
            ? TableFormatter.of(
                Column.left(""), Column.right(""), Column.right(""), Column.left(""))
            : TableFormatter.of(Column.left(""), Column.right(""), Column.left(""));
    counters.row(
        cells(
            sampled,
            "cache",
            Units.bytes(cacheBytes),
            "",
            cachedBlobs + (cachedBlobs == 1 ? " blob" : " blobs")));
    counters.row(
        cells(
            sampled,
            "torrents",
            String.valueOf(torrents),
            "",
            peerConnections + (peerConnections == 1 ? " peer connection" : " peer connections")));
    counters.row(
        cells(
            sampled,
            "uploaded",
            Units.bytes(uploadedBytes),
            sampled ? Units.rate(rates.uploadBytesPerSecond()) : "",
            "to peers"));
    counters.row(
        cells(
            sampled,
            "downloaded",
            Units.bytes(downloadedBytes),
            sampled ? Units.rate(rates.downloadBytesPerSecond()) : "",
            "from peers"));
    counters.row(
        cells(
            sampled,
            "duplicates",
            Units.bytes(duplicateBytes),
            "",
            "from peers, not needed (not in downloaded)"));
    counters.row(cells(sampled, "from swarm", Units.bytes(swarmBytes), "", "completed blobs"));
    counters.row(
        cells(
            sampled,
            "from origin",
            Units.bytes(originFallbackBytes),
            sampled ? Units.rate(rates.originBytesPerSecond()) : "",
            "swarm fallback"));

    String transferTable;
    if (transfers.isEmpty()) {
      transferTable = "no transfers in progress\n";
    } else {
      TableFormatter table =
          sampled
              ? TableFormatter.of(
                  Column.left("TRANSFER"),
                  Column.left("STATE"),
                  Column.right("SIZE"),
                  Column.right("PROGRESS"),
                  Column.right("PEERS"),
                  Column.right("RATE"))
              : TableFormatter.of(
                  Column.left("TRANSFER"),
                  Column.left("STATE"),
                  Column.right("SIZE"),
                  Column.right("PROGRESS"),
                  Column.right("PEERS"));
      for (TransferReport t : transfers) {
        String size = t.sizeBytes() == null ? "-" : Units.bytes(t.sizeBytes());
        String progress = t.progressPercent() == null ? "-" : Units.percent(t.progressPercent());
        String peers = String.valueOf(t.peers());
        if (sampled) {
          table.row(
              shortDigest(t.digest()),
              t.state(),
              size,
              progress,
              peers,
              Units.rate(t.bytesPerSecond()));
        } else {
          table.row(shortDigest(t.digest()), t.state(), size, progress, peers);
        }
      }
      transferTable = table.render();
    }
    return identity + "\n" + counters.render() + "\n" + transferTable;
  }

  private static String[] cells(
      boolean sampled, String key, String value, String rate, String note) {
    return sampled ? new String[] {key, value, rate, note} : new String[] {key, value, note};
  }

  /** {@code sha256:} and 12 hex characters, as {@code docker images} shortens IDs. */
  static String shortDigest(String digest) {
    int colon = digest.indexOf(':');
    return colon >= 0 && digest.length() > colon + 13 ? digest.substring(0, colon + 13) : digest;
  }

  private static Double progress(Transfer t) {
    if (!t.hasSize()) {
      return null;
    }
    if (t.getSize() == 0) {
      return 100.0;
    }
    return Math.round(1000.0 * t.getVerifiedBytes() / t.getSize()) / 10.0;
  }

  private static long perSecond(long delta, long intervalMillis) {
    return Math.round(Math.max(0, delta) * 1000.0 / intervalMillis);
  }
}
