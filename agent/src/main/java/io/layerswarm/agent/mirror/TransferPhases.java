package io.layerswarm.agent.mirror;

import io.layerswarm.agent.mirror.TransferProgress.Phase;
import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The phase machine of one transfer, as a pure decision: METAINFO (asking the trackers) -> SWARM
 * (downloading) -> VERIFYING (the store checks the sha256) -> finished; or ORIGIN, from METAINFO or
 * SWARM, when the swarm has nothing, refuses, or makes no progress within the deadline, or at once
 * when every tracker said it cannot serve and no peer is connected. Also where a reader finds the
 * bytes at its position in each phase.
 *
 * <p>It does no I/O and reads no clock, the way OkHttp's {@code CacheStrategy} decides and its
 * interceptor acts: the transfer passes in the time and what it saw, carries out the step, and
 * guards this object with its monitor.
 */
final class TransferPhases {
  /** Upper bound on a blob size a metainfo may claim. */
  static final long MAX_BLOB_BYTES = 1L << 40;

  /** Where a reader takes the bytes at its position from now. */
  enum Read {
    /** the verified blob in the store: the transfer is over, and its outcome known */
    STORE,
    /** the swarm download's verified pieces */
    SWARM,
    /** the file the origin copy writes */
    ORIGIN,
    /** nowhere yet: wait for the transfer to move on */
    WAIT
  }

  private final Duration swarmDeadline;
  private Phase phase = Phase.METAINFO;
  private boolean finished;
  private ProgressDeadline deadline;

  /** Why the trackers cannot serve this download's announces, once they said so. */
  private String trackersDown;

  /**
   * @param swarmDeadline the longest the transfer may go without metainfo or newly verified bytes
   */
  TransferPhases(Duration swarmDeadline) {
    this.swarmDeadline = swarmDeadline;
  }

  /**
   * The first step at {@code now}: ask the trackers, unless none are configured or the swarm's copy
   * of the blob failed verification recently.
   *
   * @return why the transfer goes to the origin instead, or empty to ask the trackers
   */
  Optional<String> start(Instant now, boolean trackersConfigured, boolean swarmRefused) {
    if (!trackersConfigured) {
      return Optional.of("no trackers are configured");
    }
    if (swarmRefused) {
      return Optional.of("the swarm's copy failed verification recently");
    }
    deadline = new ProgressDeadline(swarmDeadline, now);
    return Optional.empty();
  }

  /**
   * Why {@code meta} cannot be used to download {@code digest}, or empty when it can: the info name
   * must be the digest hex (our convention), the length positive and bounded, and a piece (which
   * the engine assembles in memory) no larger than {@code maxPieceBytes}.
   */
  static Optional<String> metainfoProblem(Metainfo meta, Digest digest, int maxPieceBytes) {
    if (!digest.hex().equals(meta.name())) {
      return Optional.of("metainfo for " + digest + " names another blob: " + meta.name());
    }
    if (meta.length() <= 0 || meta.length() > MAX_BLOB_BYTES) {
      return Optional.of(
          "metainfo for " + digest + " has an implausible length of " + meta.length() + " bytes");
    }
    if (Math.min(meta.pieceLength(), meta.length()) > maxPieceBytes) {
      return Optional.of(
          "metainfo for "
              + digest
              + " has pieces of "
              + meta.pieceLength()
              + " bytes, more than the "
              + maxPieceBytes
              + " this agent's piece memory allows");
    }
    return Optional.empty();
  }

  /** True while the metainfo the transfer asked for is still welcome. */
  boolean awaitingMetainfo() {
    return !finished && phase == Phase.METAINFO;
  }

  /** The swarm download started at {@code now}; that counts as progress. */
  void downloadStarted(Instant now) {
    deadline.progressed(now);
    phase = Phase.SWARM;
  }

  /** True while the swarm download is the source. */
  boolean downloading() {
    return !finished && phase == Phase.SWARM;
  }

  /**
   * Every tracker said it cannot serve the download's announces ({@code why}): none will list a
   * peer, so without one connected there is nothing to wait for; {@link #check} decides.
   */
  void trackersDown(String why) {
    trackersDown = why;
  }

  /**
   * Checks the deadline at {@code now}, with what the swarm download has verified so far (0 while
   * there is no download); more than last time counts as progress. A download whose trackers are
   * down and that has no peer leaves at once.
   *
   * @param totalBytes the blob's size, for the message
   * @param peers connected peers, for the message
   * @return why the transfer leaves the swarm for the origin, or empty to go on
   */
  Optional<String> check(Instant now, long verifiedBytes, long totalBytes, int peers) {
    if (finished || deadline == null) {
      return Optional.empty();
    }
    if (phase == Phase.METAINFO && deadline.expired(now, 0)) {
      return Optional.of("no metainfo within " + seconds(swarmDeadline));
    }
    if (phase == Phase.SWARM && trackersDown != null && peers == 0) {
      return Optional.of(
          "the trackers cannot serve and no peer is connected, so the swarm cannot help ("
              + trackersDown
              + "); check the trackers' /healthz and their peer store (Redis)");
    }
    if (phase == Phase.SWARM && deadline.expired(now, verifiedBytes)) {
      return Optional.of(
          "no progress in the swarm for "
              + seconds(deadline.idle(now))
              + " ("
              + verifiedBytes
              + " of "
              + totalBytes
              + " bytes verified, "
              + peers
              + " peers); "
              + (peers == 0
                  ? "no peer reached: check that the trackers answer announces (their /healthz,"
                      + " failed announces in this log at DEBUG), then that agent.peer-listen and"
                      + " the seeders' peer-listen ports are open between hosts"
                  : "the peers sent nothing verifiable: check agent.download-rate and the"
                      + " network between the hosts"));
    }
    return Optional.empty();
  }

  /** A duration for people: "60.2 s" (never ISO-8601's "PT1M0.22S"). */
  static String seconds(Duration duration) {
    return String.format(java.util.Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
  }

  /** The transfer copies from the origin now. */
  void toOrigin() {
    phase = Phase.ORIGIN;
  }

  /** True while the origin copy is the source. */
  boolean copyingFromOrigin() {
    return !finished && phase == Phase.ORIGIN;
  }

  /** The whole blob is written; the store checks it. */
  void verifying() {
    phase = Phase.VERIFYING;
  }

  /** The transfer is over, stored or failed. */
  void finish() {
    finished = true;
  }

  /**
   * Where a reader takes its bytes from now.
   *
   * @param sizeKnown whether the blob's size is known (an origin copy knows it once the origin
   *     answered)
   * @param outcomeKnown whether the transfer's outcome (stored, or why not) is published; a
   *     finished transfer publishes it just after, and until then its reader waits, so that it
   *     finds the failure rather than an empty store
   */
  Read read(boolean sizeKnown, boolean outcomeKnown) {
    if (outcomeKnown) {
      return Read.STORE;
    }
    if (finished) {
      return Read.WAIT;
    }
    if (phase == Phase.SWARM) {
      return Read.SWARM;
    }
    if (phase == Phase.ORIGIN && sizeKnown) {
      return Read.ORIGIN;
    }
    return Read.WAIT; // verifying, or the origin has not said the size yet
  }

  /** The phase to report; a finished transfer reports VERIFYING until it leaves the list. */
  Phase reported() {
    return finished ? Phase.VERIFYING : phase;
  }

  /**
   * What a transfer in {@code phase} reports: in the swarm, the download's verified bytes of the
   * metainfo's length; copying from the origin, the bytes committed of the origin's size;
   * verifying, the same as before.
   *
   * @param swarmVerified the swarm download's verified bytes, if there is a download
   * @param metaLength the blob's length by its metainfo, if there is one
   * @param originSize the blob's size by the origin, once the origin answered
   * @param committed bytes the origin copy has written
   */
  static TransferProgress progress(
      Digest digest,
      Phase phase,
      OptionalLong swarmVerified,
      OptionalLong metaLength,
      OptionalLong originSize,
      long committed) {
    if (phase == Phase.SWARM && swarmVerified.isPresent()) {
      return new TransferProgress(digest, phase, swarmVerified.getAsLong(), metaLength);
    }
    if (phase == Phase.ORIGIN || (phase == Phase.VERIFYING && originSize.isPresent())) {
      return new TransferProgress(digest, phase, committed, originSize);
    }
    if (phase == Phase.VERIFYING && metaLength.isPresent()) {
      return new TransferProgress(digest, phase, metaLength.getAsLong(), metaLength);
    }
    return new TransferProgress(digest, phase, 0, OptionalLong.empty());
  }
}
