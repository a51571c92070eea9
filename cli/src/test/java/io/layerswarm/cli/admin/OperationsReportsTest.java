package io.layerswarm.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.proto.admin.AgentDrainProgress;
import io.layerswarm.proto.admin.AgentDrainProgress.State;
import io.layerswarm.proto.admin.AgentEvictResponse;
import io.layerswarm.proto.admin.TorrentPeer;
import io.layerswarm.proto.admin.TorrentPeers;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The peers, evict and drain output for fixed answers, against golden files. */
class OperationsReportsTest {
  private static final String DIGEST =
      "sha256:0a1b2c3d4e5f6789abcdef0123456789abcdef0123456789abcdef0123456789";
  private static final long MIB = 1 << 20;

  /** A 512 MiB layer 41% downloaded from 3 peers, as today's agent reports it: a count only. */
  private static TorrentPeers countOnly() {
    return TorrentPeers.newBuilder()
        .setDigest(DIGEST)
        .setInfoHash("95b532cc4381affdff0d956e12520a04129ed49d")
        .setSize(512 * MIB)
        .setVerifiedBytes(220_200_960)
        .setConnectedPeers(3)
        .setUploadedBytes(0)
        .setDownloadedBytes(220_200_960)
        .setPeerDetails(false)
        .build();
  }

  /** The same torrent from an agent whose engine reports each peer. */
  private static TorrentPeers withDetails() {
    return countOnly().toBuilder()
        .setPeerDetails(true)
        .addPeers(
            TorrentPeer.newBuilder()
                .setAddress("10.0.0.7:6881")
                .setClientId("-LS0100-%A3k9Zq0%00pQ7x")
                .setProgress(1.0)
                .setDownloadBytesPerSecond(48 * MIB)
                .setUploadBytesPerSecond(0)
                .setDownloadedBytes(150 * MIB)
                .setUploadedBytes(0)
                .setOutgoing(true)
                .setZone("eu-1a")
                .setRack("r12")
                .setTier("rack"))
        .addPeers(
            TorrentPeer.newBuilder()
                .setAddress("10.0.0.12:6882")
                .setClientId("-LS0100-bb71c0de42aa")
                .setProgress(0.375)
                .setDownloadBytesPerSecond(9 * MIB)
                .setUploadBytesPerSecond(3 * MIB)
                .setDownloadedBytes(60 * MIB)
                .setUploadedBytes(0)
                .setOutgoing(false)
                .setZone("eu-1a")
                .setTier("zone"))
        .addPeers(TorrentPeer.newBuilder().setAddress("[fd00::3]:6882").setDownloadedBytes(MIB))
        .build();
  }

  @Test
  void peersOfAnAgentThatReportsOnlyTheCountSaySo() {
    assertThat(PeersReport.of(countOnly()).table()).isEqualTo(Golden.read("peers.txt"));
  }

  @Test
  void peersWithDetailsAreOneLinePerConnection() {
    assertThat(PeersReport.of(withDetails()).table()).isEqualTo(Golden.read("peers-details.txt"));
  }

  @Test
  void peersJsonHasStableSnakeCaseKeysWithNullsForWhatIsUnknown() {
    assertThat(JsonReports.json(PeersReport.of(withDetails())))
        .isEqualTo(Golden.read("peers.json"));
  }

  @Test
  void noPeersConnectedSaysSo() {
    TorrentPeers none = countOnly().toBuilder().setPeerDetails(true).setConnectedPeers(0).build();

    assertThat(PeersReport.of(none).table()).endsWith("\nno peers connected\n");
  }

  @Test
  void evictSaysWhatWasRemoved() {
    AgentEvictResponse seeded =
        AgentEvictResponse.newBuilder()
            .setDigest(DIGEST)
            .setTorrentRemoved(true)
            .setBlobDeleted(true)
            .setBlobBytes(512 * MIB)
            .setMetainfoDeleted(true)
            .build();
    AgentEvictResponse fromOrigin =
        AgentEvictResponse.newBuilder()
            .setDigest(DIGEST)
            .setBlobDeleted(true)
            .setBlobBytes(3 * MIB)
            .build();

    assertThat(EvictReport.of(seeded).table() + "\n" + EvictReport.of(fromOrigin).table())
        .isEqualTo(Golden.read("evict.txt"));
    assertThat(JsonReports.json(EvictReport.of(seeded))).isEqualTo(Golden.read("evict.json"));
  }

  /** A drain: two responses and one uploading torrent at first, quiet after 4 s, done at 14 s. */
  private static List<AgentDrainProgress> drain(State last) {
    AgentDrainProgress.Builder p =
        AgentDrainProgress.newBuilder()
            .setState(State.DRAINING)
            .setGraceMillis(10_000)
            .setTimeoutMillis(300_000)
            .setClientResponses(2)
            .setUploadingTorrents(1)
            .setConnectedPeers(3);
    return List.of(
        p.build(),
        p.setElapsedMillis(1_000).setUploadedBytes(20 * MIB).setRefusedRequests(1).build(),
        p.setElapsedMillis(2_000).setClientResponses(0).setUploadedBytes(40 * MIB).build(),
        p.setElapsedMillis(3_000).setUploadedBytes(55 * MIB).setRefusedRequests(4).build(),
        p.setElapsedMillis(4_000)
            .setUploadingTorrents(0)
            .setConnectedPeers(1)
            .setQuietMillis(1_000)
            .build(),
        p.setElapsedMillis(5_000).setQuietMillis(2_000).build(),
        p.setElapsedMillis(14_000).setQuietMillis(10_000).setConnectedPeers(0).build(),
        p.setElapsedMillis(15_000).setState(last).setQuietMillis(11_000).build());
  }

  @Test
  void drainPrintsWhatItMeansThenAChangeOfActivityAndTheEnd() {
    DrainReport.Lines lines = new DrainReport.Lines();
    StringBuilder out = new StringBuilder();
    for (AgentDrainProgress p : drain(State.DRAINED)) {
      out.append(lines.next(DrainReport.of(p)));
    }

    assertThat(out.toString()).isEqualTo(Golden.read("drain.txt"));
  }

  @Test
  void aTimedOutDrainSaysWhatWasStillGoingOn() {
    DrainReport.Lines lines = new DrainReport.Lines();
    AgentDrainProgress timedOut =
        AgentDrainProgress.newBuilder()
            .setState(State.TIMED_OUT)
            .setElapsedMillis(300_000)
            .setGraceMillis(10_000)
            .setTimeoutMillis(300_000)
            .setUploadingTorrents(2)
            .setConnectedPeers(5)
            .setUploadedBytes(3 * 1024 * MIB)
            .build();

    assertThat(lines.next(DrainReport.of(timedOut)))
        .endsWith(
            "timed out after 5m 0s with"
                + " 0 client responses, 2 torrents uploading, 5 peers connected: the agent exits now"
                + " (3.0 GiB uploaded to peers and 0 requests refused during the drain)\n");
  }

  @Test
  void drainJsonIsOneObjectPerLine() {
    StringBuilder out = new StringBuilder();
    for (AgentDrainProgress p : drain(State.DRAINED)) {
      out.append(JsonReports.jsonLine(DrainReport.of(p)));
    }

    assertThat(out.toString()).isEqualTo(Golden.read("drain.jsonl"));
  }
}
