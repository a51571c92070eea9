package io.layerswarm.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.proto.admin.PreheatProgress;
import io.layerswarm.proto.admin.SeederBlob;
import io.layerswarm.proto.admin.SeederBlobList;
import io.layerswarm.proto.admin.SeederEvictResponse;
import io.layerswarm.proto.admin.SeederRingMember;
import io.layerswarm.proto.admin.SeederRingStatus;
import io.layerswarm.proto.admin.TrackerHealth;
import io.layerswarm.proto.admin.TrackerPeer;
import io.layerswarm.proto.admin.TrackerPeerList;
import io.layerswarm.proto.admin.TrackerSwarm;
import io.layerswarm.proto.admin.TrackerSwarmList;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The service commands' tables and {@code --json} for fixed answers, against golden files in {@code
 * service/}. Run with {@code -Dgolden.write=true} to rewrite them after a deliberate change.
 */
class ServiceReportsTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final String CONFIG =
      "sha256:0a1b2c3d4e5f6789abcdef0123456789abcdef0123456789abcdef0123456789";
  private static final String LAYER =
      "sha256:4bf5122f344554c53bde2ebb8cd2b7e3d1600ad631c385a5d7cce23c7785459a";
  private static final String MANIFEST =
      "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final String BROKEN =
      "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  private static final long MIB = 1 << 20;
  private static final String S1 = "http://10.0.0.1:6970";
  private static final String S2 = "http://10.0.0.2:6970";
  private static final String S3 = "http://10.0.0.3:6970";

  private static void assertGolden(String actual, String name) {
    if (Boolean.getBoolean("golden.write")) {
      try {
        Path file = Path.of("src/test/resources/io/layerswarm/cli/admin/service", name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, actual, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return;
    }
    assertThat(actual).isEqualTo(Golden.read("service/" + name));
  }

  // ---- ring

  private static SeederRingStatus ring() {
    return SeederRingStatus.newBuilder()
        .setSelf(S1)
        .setVersion(1796648388407L)
        .setFingerprint("3f2a9c01d4e5b678")
        .setReplicas(2)
        .addMembers(
            SeederRingMember.newBuilder()
                .setId(S1)
                .setAlive(true)
                .setLastCheckMillis(NOW.toEpochMilli() - 3_000))
        .addMembers(
            SeederRingMember.newBuilder()
                .setId(S2)
                .setAlive(false)
                .setConsecutiveFailures(4)
                .setLastCheckMillis(NOW.toEpochMilli() - 65_000)
                .setLastError("GET /healthz: connect timed out"))
        .addMembers(SeederRingMember.newBuilder().setId(S3).setAlive(true))
        .addOwners(S2)
        .addOwners(S1)
        .addLiveOwners(S1)
        .addLiveOwners(S3)
        .build();
  }

  @Test
  void ringShowsMembersTheirHealthAndTheOwnersOfADigestWithStandIns() {
    RingReport report = RingReport.of(ring(), LAYER);

    assertGolden(report.table(NOW), "ring.txt");
    assertGolden(JsonReports.json(report), "ring.json");
  }

  @Test
  void ringWithoutADigestHasNoOwnerSection() {
    RingReport report =
        RingReport.of(ring().toBuilder().clearOwners().clearLiveOwners().build(), null);

    assertThat(report.table(NOW)).doesNotContain("owners of").endsWith("-\n");
    assertThat(JsonReports.json(report)).contains("\"owners\" : null");
  }

  // ---- seeder-blobs, seeder-evict

  private static SeederBlobList blobs() {
    return SeederBlobList.newBuilder()
        .addBlobs(
            SeederBlob.newBuilder()
                .setDigest(CONFIG)
                .setSize(1_523)
                .setInfoHash("aa".repeat(20))
                .setSeeding(true)
                .setUploadedBytes(4_569)
                .setLastAccessMillis(NOW.toEpochMilli() - 303_000))
        .addBlobs(
            SeederBlob.newBuilder()
                .setDigest(LAYER)
                .setSize(734 * MIB)
                .setInfoHash("0123456789abcdef0123456789abcdef01234567")
                .setSeeding(true)
                .setPeers(3)
                .setUploadedBytes(2_202 * MIB)
                .setLastAccessMillis(NOW.toEpochMilli() - 2_000))
        .addBlobs(SeederBlob.newBuilder().setDigest(BROKEN).setSize(10 * MIB))
        .setStoredBytes(1_523 + 744 * MIB)
        .setDiskHighWatermark(100L << 30)
        .setDiskLowWatermark(90L << 30)
        .setTimeToIdleMillis(86_400_000)
        .build();
  }

  @Test
  void seederBlobsAreListedLargestFirstWithTheEvictionSettings() {
    SeederBlobsReport report = SeederBlobsReport.of(blobs());

    assertGolden(report.table(NOW), "seeder-blobs.txt");
    assertGolden(JsonReports.json(report), "seeder-blobs.json");
  }

  @Test
  void anEmptySeederSaysSoAndThatEvictionIsOff() {
    SeederBlobsReport report = SeederBlobsReport.of(SeederBlobList.getDefaultInstance());

    assertThat(report.table(NOW)).isEqualTo("no blobs\n0 blobs, 0 B stored; eviction off\n");
  }

  @Test
  void seederEvictSaysWhatWasFreedOrWhyNot() {
    SeederEvictReport evicted =
        SeederEvictReport.of(
            LAYER,
            SeederEvictResponse.newBuilder().setEvicted(true).setBytesFreed(734 * MIB).build());
    SeederEvictReport busy =
        SeederEvictReport.of(
            LAYER, SeederEvictResponse.newBuilder().setReason("uploading").build());
    SeederEvictReport absent =
        SeederEvictReport.of(LAYER, SeederEvictResponse.newBuilder().setReason("not held").build());

    assertThat(evicted.table()).isEqualTo("evicted " + LAYER + ": 734.0 MiB freed\n");
    assertThat(busy.table()).isEqualTo("not evicted " + LAYER + ": uploading\n");
    assertThat(List.of(evicted.exitCode(), busy.exitCode(), absent.exitCode()))
        .containsExactly(0, 1, 4);
    assertGolden(JsonReports.json(busy), "seeder-evict.json");
  }

  // ---- swarms, swarm-peers, tracker-health

  @Test
  void swarmsShowFullInfoHashesShortDigestsAndTheCounts() {
    SwarmsReport report =
        SwarmsReport.of(
            TrackerSwarmList.newBuilder()
                .addSwarms(
                    TrackerSwarm.newBuilder()
                        .setInfoHash("0123456789abcdef0123456789abcdef01234567")
                        .setDigest(LAYER)
                        .setSeeds(2)
                        .setLeechers(40)
                        .setDownloaded(118))
                .addSwarms(TrackerSwarm.newBuilder().setInfoHash("ff".repeat(20)).setSeeds(1))
                .setTotalSwarms(2)
                .setPeerStore("redis")
                .setNowMillis(NOW.toEpochMilli())
                .build());

    assertGolden(report.table(), "swarms.txt");
    assertGolden(JsonReports.json(report), "swarms.json");
  }

  @Test
  void aCutListOfSwarmsSaysHowToSeeMore() {
    SwarmsReport report =
        SwarmsReport.of(
            TrackerSwarmList.newBuilder()
                .addSwarms(TrackerSwarm.newBuilder().setInfoHash("ff".repeat(20)).setSeeds(1))
                .setTotalSwarms(1500)
                .setPeerStore("memory")
                .build());

    assertThat(report.table())
        .endsWith("\nshowing 1 of 1500 swarms (--limit N shows more);" + " peer store: memory\n");
    assertThat(
            SwarmsReport.of(TrackerSwarmList.newBuilder().setPeerStore("memory").build()).table())
        .isEqualTo("0 swarms, 0 peers; peer store: memory\n");
  }

  @Test
  void swarmPeersShowRoleTopologyTimeLeftAndReadablePeerIds() {
    SwarmPeersReport report =
        SwarmPeersReport.of(
            TrackerPeerList.newBuilder()
                .setInfoHash("0123456789abcdef0123456789abcdef01234567")
                .setDigest(LAYER)
                .setTotalPeers(3)
                .setDownloaded(118)
                .setNowMillis(NOW.toEpochMilli())
                .addPeers(
                    TrackerPeer.newBuilder()
                        .setPeerId(hex("-LS0001-a1b2c3d4e5f6"))
                        .setAddress("10.1.0.7:6881")
                        .setComplete(true)
                        .setExpiresInMillis(89_000))
                .addPeers(
                    TrackerPeer.newBuilder()
                        .setPeerId(hex("-LS0001-0123456789ab"))
                        .setAddress("10.1.2.30:6882")
                        .setZone("eu-1")
                        .setRack("r07")
                        .setExpiresInMillis(12_000))
                .addPeers(
                    TrackerPeer.newBuilder()
                        .setPeerId("00".repeat(20))
                        .setAddress("[2001:db8::5]:51413")
                        .setZone("eu-2")
                        .setExpiresInMillis(61_500))
                .build());

    assertGolden(report.table(), "swarm-peers.txt");
    assertGolden(JsonReports.json(report), "swarm-peers.json");
  }

  @Test
  void trackerHealthSaysUpOrDownAndWhy() {
    TrackerHealthReport up =
        TrackerHealthReport.of(
            TrackerHealth.newBuilder()
                .setUp(true)
                .setPeerStore("memory")
                .setListen("127.0.0.1:6969")
                .setSwarms(12)
                .setPeers(340)
                .build());
    TrackerHealthReport down =
        TrackerHealthReport.of(
            TrackerHealth.newBuilder()
                .setPeerStore("redis")
                .setPeerStoreLocation("redis://10.0.0.5:6379/0")
                .setListen("0.0.0.0:6969")
                .setSignatureRequired(true)
                .setReason(
                    "peer store unavailable: ping in redis://10.0.0.5:6379/0 failed:"
                        + " Connection refused")
                .build());

    assertGolden(up.table() + "\n" + down.table(), "tracker-health.txt");
    assertGolden(JsonReports.json(down), "tracker-health.json");
  }

  // ---- preheat

  private static PreheatProgress progress(
      String image, String state, String digest, long done, long total, String message) {
    return PreheatProgress.newBuilder()
        .setImage(image)
        .setState(state)
        .setDigest(digest)
        .setBytesDone(done)
        .setBytesTotal(total)
        .setMessage(message)
        .build();
  }

  private static final String APP = "registry.local:5000/team/app:1.4";
  private static final String GONE = "registry.local:5000/team/gone:1";

  /** app: config and one layer; gone: the manifest resolves but its layer fails. */
  private static List<PreheatProgress> stream() {
    long total = 1_523 + 734 * MIB;
    return List.of(
        progress(APP, "resolved", MANIFEST, 0, total, "2 blobs for [linux/amd64]"),
        progress(APP, "fetching", CONFIG, 0, 1_523, "from registry.local:5000/team/app"),
        progress(APP, "fetching", LAYER, 0, 734 * MIB, "from registry.local:5000/team/app"),
        progress(APP, "done", CONFIG, 1_523, 1_523, "held by " + S1),
        progress(APP, "done", LAYER, 734 * MIB, 734 * MIB, "held by " + S2),
        progress(APP, "complete", MANIFEST, total, total, "2 blobs held"),
        progress(GONE, "resolved", CONFIG, 0, 10 * MIB, "1 blob"),
        progress(GONE, "fetching", BROKEN, 0, 10 * MIB, "from registry.local:5000/team/gone"),
        progress(GONE, "error", BROKEN, 0, 10 * MIB, "origin answered HTTP 503"),
        progress(
            GONE,
            "failed",
            CONFIG,
            0,
            10 * MIB,
            "1 of 1 blobs failed: " + BROKEN + ": origin answered HTTP 503"));
  }

  @Test
  void preheatPrintsOneLinePerStepThenASummaryAndNamesTheFailedImage() {
    PreheatImages images = new PreheatImages(List.of(APP, GONE), "10.0.0.1:6971");
    StringBuilder lines = new StringBuilder();
    long t = 0;
    for (PreheatProgress p : stream()) {
      t += 700;
      lines.append(images.accept(p, t));
    }
    images.end(t);

    assertGolden(lines.toString(), "preheat-lines.txt");
    assertGolden(PreheatImages.summaryTable(images.summary(t + 50)), "preheat-summary.txt");
    assertGolden(
        JsonReports.jsonLine(PreheatImages.Event.of(stream().get(4)))
            + JsonReports.jsonLine(images.summary(t + 50)),
        "preheat.jsonl");
    assertThat(images.allComplete()).isFalse();
    assertThat(images.failures())
        .isEqualTo(
            "1 of 2 images did not complete: "
                + GONE
                + ": 1 of 1 blobs failed: "
                + BROKEN
                + ": origin answered HTTP 503");
  }

  @Test
  void preheatBarsShowEachImagesBlobsAndBytesAndRedrawInPlace() {
    PreheatImages images = new PreheatImages(List.of(APP, GONE), "10.0.0.1:6971");
    StringWriter terminal = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(terminal, true));
    StringBuilder frames = new StringBuilder();
    List<PreheatProgress> stream = stream();
    long t = 0;
    for (int i = 0; i < 5; i++) {
      t += 700;
      images.accept(stream.get(i), t);
    }
    bar.draw(images.frame(t, 80), t, true);
    frames.append(String.join("\n", images.frame(t, 80))).append("\n\n");
    for (int i = 5; i < stream.size(); i++) {
      t += 700;
      images.accept(stream.get(i), t);
    }
    images.end(t);
    bar.draw(images.frame(t, 80), t, true);
    frames.append(String.join("\n", images.frame(t, 80))).append('\n');

    assertGolden(frames.toString(), "preheat-frames.txt");
    // The second frame goes back up over the first three lines and clears each one.
    String drawn = terminal.toString();
    assertThat(drawn).contains("\033[3A");
    assertThat(drawn.split("\r\033\\[2K", -1)).hasSize(7);
    assertThat(images.frame(t, 50)).allMatch(line -> line.length() <= 49);
  }

  @Test
  void aPreheatBarIsNotRedrawnMoreThanTenTimesASecondUnlessForced() {
    StringWriter terminal = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(terminal, true));

    bar.draw(List.of("a"), 1000, false);
    bar.draw(List.of("b"), 1050, false);
    bar.draw(List.of("c"), 1060, true);
    bar.draw(List.of("d"), 1200, false);

    assertThat(terminal.toString())
        .isEqualTo("\r\033[2Ka\n" + "\033[1A\r\033[2Kc\n" + "\033[1A\r\033[2Kd\n");
  }

  private static String hex(String ascii) {
    return HexFormat.of().formatHex(ascii.getBytes(StandardCharsets.US_ASCII));
  }
}
