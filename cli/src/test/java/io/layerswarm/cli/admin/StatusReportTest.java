package io.layerswarm.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.layerswarm.proto.admin.AgentStatus;
import io.layerswarm.proto.admin.TorrentInfo;
import io.layerswarm.proto.admin.TorrentList;
import io.layerswarm.proto.admin.Transfer;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The status and torrents output for fixed snapshots, against golden files. */
class StatusReportTest {
  private static final Path SOCKET = Path.of("/run/layerswarm/agent.sock");
  private static final String SWARM =
      "sha256:0a1b2c3d4e5f6789abcdef0123456789abcdef0123456789abcdef0123456789";
  private static final String WAITING =
      "sha256:4bf5122f344554c53bde2ebb8cd2b7e3d1600ad631c385a5d7cce23c7785459a";
  private static final String ORIGIN =
      "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final long MIB = 1 << 20;

  /**
   * 1h 30m up: a 512 MiB layer 41% through the swarm, one waiting for metainfo, one from origin.
   */
  private static AgentStatus now() {
    return AgentStatus.newBuilder()
        .setVersion("0.1.0")
        .setUptimeMillis(5_430_000)
        .setListen("127.0.0.1:5050")
        .setPeerPort(6882)
        .setCacheBytes(3_328_599_654L)
        .setCachedBlobs(14)
        .setTorrents(16)
        .setPeerConnections(5)
        .setUploadedBytes(2_469_606_195L)
        .setDownloadedBytes(950 * MIB)
        .setDuplicateBytes(3 * MIB)
        .setSwarmBytes(900 * MIB)
        .setOriginFallbackBytes(0)
        .addTransfers(
            Transfer.newBuilder()
                .setDigest(SWARM)
                .setState("swarm")
                .setSize(512 * MIB)
                .setVerifiedBytes(220_200_960)
                .setPeers(3))
        .addTransfers(Transfer.newBuilder().setDigest(WAITING).setState("metainfo"))
        .addTransfers(
            Transfer.newBuilder()
                .setDigest(ORIGIN)
                .setState("origin")
                .setSize(10 * MIB)
                .setVerifiedBytes(MIB))
        .build();
  }

  /** Two seconds earlier: 20 MiB less uploaded, 50 MiB less downloaded, origin copy not begun. */
  private static AgentStatus twoSecondsEarlier() {
    AgentStatus now = now();
    return now.toBuilder()
        .setUptimeMillis(now.getUptimeMillis() - 2000)
        .setUploadedBytes(now.getUploadedBytes() - 20 * MIB)
        .setDownloadedBytes(now.getDownloadedBytes() - 50 * MIB)
        .clearTransfers()
        .addTransfers(now.getTransfers(0).toBuilder().setVerifiedBytes(220_200_960 - 50 * MIB))
        .addTransfers(now.getTransfers(2).toBuilder().setVerifiedBytes(0))
        .build();
  }

  @Test
  void theTableShowsTheAgentItsCountersAndEachTransfersProgress() {
    StatusReport report = StatusReport.of(now(), Optional.empty());

    assertThat(report.table(SOCKET)).isEqualTo(Golden.read("status.txt"));
  }

  @Test
  void twoSnapshotsAddRatesFromTheAgentsOwnUptime() {
    StatusReport report = StatusReport.of(now(), Optional.of(twoSecondsEarlier()));

    assertThat(report.rates()).isEqualTo(new StatusReport.Rates(2000, 10 * MIB, 25 * MIB, 0));
    assertThat(report.transfers())
        .extracting(StatusReport.TransferReport::bytesPerSecond)
        .containsExactly(25 * MIB, 0L, MIB / 2);
    assertThat(report.table(SOCKET)).isEqualTo(Golden.read("status-rates.txt"));
  }

  @Test
  void anAgentThatRestartedBetweenSnapshotsGetsNoRates() {
    AgentStatus restarted = now().toBuilder().setUptimeMillis(1000).build();

    StatusReport report = StatusReport.of(restarted, Optional.of(now()));

    assertThat(report.rates()).isNull();
    assertThat(report.transfers()).allSatisfy(t -> assertThat(t.bytesPerSecond()).isNull());
  }

  @Test
  void aCounterThatWentDownCountsAsNoProgress() {
    AgentStatus before =
        now().toBuilder()
            .setUptimeMillis(5_429_000)
            .setDownloadedBytes(now().getDownloadedBytes() + MIB)
            .build();

    assertThat(StatusReport.of(now(), Optional.of(before)).rates().downloadBytesPerSecond())
        .isZero();
  }

  @Test
  void anIdleAgentSaysSoInsteadOfAnEmptyTable() {
    AgentStatus idle = now().toBuilder().clearTransfers().build();

    assertThat(StatusReport.of(idle, Optional.empty()).table(SOCKET))
        .endsWith("\nno transfers in progress\n");
  }

  @Test
  void jsonHasStableSnakeCaseKeysWithNullsForWhatIsUnknown() {
    String json = json(StatusReport.of(now(), Optional.empty()));

    assertThat(json).isEqualTo(Golden.read("status.json"));
  }

  @Test
  void jsonWithRatesFillsTheRatesObject() throws Exception {
    String json = json(StatusReport.of(now(), Optional.of(twoSecondsEarlier())));

    assertThat(new ObjectMapper().readTree(json).get("rates").toString())
        .isEqualTo(
            "{\"interval_millis\":2000,\"upload_bytes_per_second\":10485760,"
                + "\"download_bytes_per_second\":26214400,\"origin_bytes_per_second\":0}");
  }

  private static TorrentList torrents() {
    return TorrentList.newBuilder()
        .addTorrents(
            TorrentInfo.newBuilder()
                .setDigest(SWARM)
                .setInfoHash("95b532cc4381affdff0d956e12520a04129ed49d")
                .setSize(512 * MIB)
                .setVerifiedBytes(220_200_960)
                .setPeers(3)
                .setDownloadedBytes(220_200_960)
                .setDuplicateBytes(65_536))
        .addTorrents(
            TorrentInfo.newBuilder()
                .setDigest(ORIGIN)
                .setInfoHash("e7e2dcff542de95352682dc186432e98f0188084")
                .setSize(10_000)
                .setVerifiedBytes(10_000)
                .setPeers(2)
                .setUploadedBytes(2_469_606_195L)
                .setComplete(true))
        .addTorrents(
            TorrentInfo.newBuilder()
                .setDigest("")
                .setInfoHash("0123456789abcdef0123456789abcdef01234567")
                .setSize(0))
        .build();
  }

  @Test
  void theTorrentsTableShowsEachTorrentsProgressAndTraffic() {
    assertThat(TorrentsReport.of(torrents()).table()).isEqualTo(Golden.read("torrents.txt"));
  }

  @Test
  void torrentsJsonHasStableSnakeCaseKeys() {
    assertThat(json(TorrentsReport.of(torrents()))).isEqualTo(Golden.read("torrents.json"));
  }

  @Test
  void noTorrentsSaysSo() {
    assertThat(TorrentsReport.of(TorrentList.getDefaultInstance()).table())
        .isEqualTo("no torrents\n");
  }

  private static String json(Object report) {
    return JsonReports.json(report);
  }
}
