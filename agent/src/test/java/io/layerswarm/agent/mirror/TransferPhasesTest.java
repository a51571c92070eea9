package io.layerswarm.agent.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.agent.mirror.TransferPhases.Read;
import io.layerswarm.agent.mirror.TransferProgress.Phase;
import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The phase machine alone, with plain numbers: seconds since the start, and bytes. */
class TransferPhasesTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final Digest BLOB = Digest.sha256(new byte[] {1, 2, 3});

  private final TransferPhases phases = new TransferPhases(DEADLINE);

  private static Instant at(long seconds) {
    return START.plusSeconds(seconds);
  }

  @Test
  void withoutTrackersTheTransferGoesToTheOriginAtOnce() {
    assertThat(phases.start(START, false, false)).hasValue("no trackers are configured");
    assertThat(phases.awaitingMetainfo()).isTrue();
  }

  @Test
  void aBlobWhoseSwarmCopyWasRefusedGoesToTheOriginAtOnce() {
    assertThat(phases.start(START, true, true))
        .hasValue("the swarm's copy failed verification recently");
  }

  @Test
  void aTransferAsksTheTrackersFirstWhileItsReadersWait() {
    assertThat(phases.start(START, true, false)).isEmpty();

    assertThat(phases.awaitingMetainfo()).isTrue();
    assertThat(phases.reported()).isEqualTo(Phase.METAINFO);
    assertThat(phases.read(false, false)).isEqualTo(Read.WAIT);
  }

  @Test
  void noMetainfoWithinTheDeadlineSendsTheTransferToTheOrigin() {
    phases.start(START, true, false);

    assertThat(phases.check(at(59), 0, 0, 0)).isEmpty();
    assertThat(phases.check(at(60), 0, 0, 0)).hasValue("no metainfo within 60.0 s");
  }

  @Test
  void theDownloadsDeadlineCountsFromTheMetainfosArrival() {
    phases.start(START, true, false);
    phases.downloadStarted(at(30));

    assertThat(phases.check(at(89), 0, 1000, 2)).isEmpty();
    assertThat(phases.check(at(90), 0, 1000, 2))
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .startsWith(
                        "no progress in the swarm for 60.0 s (0 of 1000 bytes verified, 2 peers);"));
  }

  @Test
  void aDeadlineWithoutPeersPointsAtTheTrackersFirstThenThePeerPorts() {
    phases.start(START, true, false);
    phases.downloadStarted(START);

    assertThat(phases.check(at(60).plusMillis(220), 0, 1000, 0))
        .hasValue(
            "no progress in the swarm for 60.2 s (0 of 1000 bytes verified, 0 peers); no peer"
                + " reached: check that the trackers answer announces (their /healthz, failed"
                + " announces in this log at DEBUG), then that agent.peer-listen and the seeders'"
                + " peer-listen ports are open between hosts");
  }

  @Test
  void whenTheTrackersAreDownADownloadWithoutPeersLeavesAtOnce() {
    phases.start(START, true, false);
    phases.downloadStarted(START);

    phases.trackersDown("every tracker is unusable: announce to a: peer store unavailable, retry");

    assertThat(phases.check(at(1), 0, 1000, 0))
        .hasValue(
            "the trackers cannot serve and no peer is connected, so the swarm cannot help (every"
                + " tracker is unusable: announce to a: peer store unavailable, retry); check the"
                + " trackers' /healthz and their peer store (Redis)");
  }

  @Test
  void whenTheTrackersAreDownADownloadWithPeersGoesOnUntilItHasNone() {
    phases.start(START, true, false);
    phases.downloadStarted(START);
    phases.trackersDown("every tracker is unusable");

    assertThat(phases.check(at(1), 100, 1000, 2)).isEmpty();
    assertThat(phases.check(at(2), 200, 1000, 1)).isEmpty();
    assertThat(phases.check(at(3), 200, 1000, 0))
        .hasValueSatisfying(why -> assertThat(why).startsWith("the trackers cannot serve"));
  }

  @Test
  void theTrackersBeingDownDoesNotCutAnOriginCopyOrAFinishedTransfer() {
    phases.start(START, true, false);
    phases.downloadStarted(START);
    phases.toOrigin();
    phases.trackersDown("every tracker is unusable");

    assertThat(phases.check(at(1), 0, 1000, 0)).isEmpty();
    phases.finish();
    assertThat(phases.check(at(2), 0, 1000, 0)).isEmpty();
  }

  @Test
  void durationsPrintAsSecondsForPeople() {
    assertThat(TransferPhases.seconds(Duration.ofMillis(60_224))).isEqualTo("60.2 s");
    assertThat(TransferPhases.seconds(Duration.ofMinutes(10))).isEqualTo("600.0 s");
    assertThat(TransferPhases.seconds(Duration.ZERO)).isEqualTo("0.0 s");
  }

  @Test
  void newlyVerifiedBytesPushTheDeadlineBack() {
    phases.start(START, true, false);
    phases.downloadStarted(START);

    assertThat(phases.check(at(50), 100, 1000, 1)).isEmpty();
    assertThat(phases.check(at(100), 300, 1000, 1)).isEmpty();
    assertThat(phases.check(at(159), 300, 1000, 1)).isEmpty();
    assertThat(phases.check(at(160), 300, 1000, 1))
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .startsWith(
                        "no progress in the swarm for 60.0 s (300 of 1000 bytes verified, 1 peers);"));
  }

  @Test
  void aTransferAtTheOriginHasNoDeadlineAndTurnsAwayLateMetainfo() {
    phases.start(START, true, false);
    phases.toOrigin();

    assertThat(phases.check(at(3600), 0, 0, 0)).isEmpty();
    assertThat(phases.awaitingMetainfo()).isFalse();
    assertThat(phases.copyingFromOrigin()).isTrue();
    assertThat(phases.reported()).isEqualTo(Phase.ORIGIN);
  }

  @Test
  void readersGoToTheOriginCopyOnlyOnceTheOriginSaidTheSize() {
    phases.start(START, false, false);
    phases.toOrigin();

    assertThat(phases.read(false, false)).isEqualTo(Read.WAIT);
    assertThat(phases.read(true, false)).isEqualTo(Read.ORIGIN);
  }

  @Test
  void readersOfAnOriginCopyThatFailedWaitForTheFailureInsteadOfReadingItsFile() {
    phases.start(START, false, false);
    phases.toOrigin();
    phases.finish();

    assertThat(phases.copyingFromOrigin()).isFalse();
    assertThat(phases.read(true, false)).isEqualTo(Read.WAIT);
    assertThat(phases.read(true, true)).isEqualTo(Read.STORE);
  }

  @Test
  void readersFollowTheDownloadThenWaitForTheVerdictThenReadTheStore() {
    phases.start(START, true, false);
    phases.downloadStarted(START);
    assertThat(phases.read(true, false)).isEqualTo(Read.SWARM);
    assertThat(phases.downloading()).isTrue();

    phases.verifying();
    assertThat(phases.read(true, false)).isEqualTo(Read.WAIT);
    assertThat(phases.downloading()).isFalse();
    assertThat(phases.reported()).isEqualTo(Phase.VERIFYING);

    phases.finish();
    assertThat(phases.read(false, false)).as("until the outcome is known").isEqualTo(Read.WAIT);
    assertThat(phases.read(false, true)).isEqualTo(Read.STORE);
    assertThat(phases.reported()).as("until it leaves the list").isEqualTo(Phase.VERIFYING);
    assertThat(phases.check(at(3600), 0, 0, 0)).isEmpty();
  }

  @Test
  void aFinishedTransferNeitherDownloadsNorCopies() {
    phases.start(START, true, false);
    phases.toOrigin();
    phases.finish();

    assertThat(phases.copyingFromOrigin()).isFalse();
    assertThat(phases.downloading()).isFalse();
    assertThat(phases.awaitingMetainfo()).isFalse();
  }

  @Test
  void metainfoMustBeNamedByTheBlobsDigest(@TempDir Path dir) throws IOException {
    byte[] content = new byte[1000];
    Path file = Files.write(dir.resolve("blob"), content);
    Digest digest = Digest.sha256(content);
    List<URI> announce = List.of(URI.create("http://tracker/announce"));

    Metainfo right = Metainfo.create(file, digest.hex(), announce, 16 * 1024);
    Metainfo other = Metainfo.create(file, BLOB.hex(), announce, 16 * 1024);

    assertThat(TransferPhases.metainfoProblem(right, digest, 16 * 1024)).isEmpty();
    assertThat(TransferPhases.metainfoProblem(other, digest, 16 * 1024))
        .hasValue("metainfo for " + digest + " names another blob: " + BLOB.hex());
  }

  @Test
  void metainfoWithPiecesLargerThanThePieceMemoryAllowsIsRefused(@TempDir Path dir)
      throws IOException {
    byte[] content = new byte[300 * 1024];
    Path file = Files.write(dir.resolve("blob"), content);
    Digest digest = Digest.sha256(content);
    Metainfo big = Metainfo.create(file, digest.hex(), List.of(), 256 * 1024);

    assertThat(TransferPhases.metainfoProblem(big, digest, 256 * 1024)).isEmpty();
    assertThat(TransferPhases.metainfoProblem(big, digest, 128 * 1024))
        .hasValue(
            "metainfo for "
                + digest
                + " has pieces of 262144 bytes, more than the 131072 this agent's piece memory"
                + " allows");
  }

  @Test
  void progressInTheSwarmIsTheDownloadsVerifiedBytesOfTheMetainfosLength() {
    assertThat(
            TransferPhases.progress(
                BLOB,
                Phase.SWARM,
                OptionalLong.of(300),
                OptionalLong.of(1000),
                OptionalLong.empty(),
                0))
        .isEqualTo(new TransferProgress(BLOB, Phase.SWARM, 300, OptionalLong.of(1000)));
  }

  @Test
  void progressAtTheOriginIsTheCommittedBytesOfTheSizeOnceTheOriginSaidIt() {
    assertThat(
            TransferPhases.progress(
                BLOB,
                Phase.ORIGIN,
                OptionalLong.empty(),
                OptionalLong.empty(),
                OptionalLong.empty(),
                0))
        .isEqualTo(new TransferProgress(BLOB, Phase.ORIGIN, 0, OptionalLong.empty()));
    assertThat(
            TransferPhases.progress(
                BLOB,
                Phase.VERIFYING,
                OptionalLong.of(200),
                OptionalLong.of(1000),
                OptionalLong.of(1000),
                1000))
        .isEqualTo(new TransferProgress(BLOB, Phase.VERIFYING, 1000, OptionalLong.of(1000)));
  }

  @Test
  void aVerifyingDownloadReportsTheWholeBlob() {
    assertThat(
            TransferPhases.progress(
                BLOB,
                Phase.VERIFYING,
                OptionalLong.of(1000),
                OptionalLong.of(1000),
                OptionalLong.empty(),
                0))
        .isEqualTo(new TransferProgress(BLOB, Phase.VERIFYING, 1000, OptionalLong.of(1000)));
    assertThat(
            TransferPhases.progress(
                BLOB,
                Phase.METAINFO,
                OptionalLong.empty(),
                OptionalLong.empty(),
                OptionalLong.empty(),
                0))
        .isEqualTo(new TransferProgress(BLOB, Phase.METAINFO, 0, OptionalLong.empty()));
  }
}
