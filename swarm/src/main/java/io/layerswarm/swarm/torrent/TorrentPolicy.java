package io.layerswarm.swarm.torrent;

import io.layerswarm.core.metainfo.TorrentGeometry;
import io.layerswarm.core.topology.Location;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The settings of a torrent's swarm policy, with the engine's defaults in {@link #DEFAULTS}. The
 * simulator varies them to tune the swarm; the engine runs the defaults, with its connection cap
 * from {@link io.layerswarm.swarm.EngineConfig}.
 *
 * @param maxConnections peer connections of one torrent at most
 * @param numWant peers asked of the tracker per announce
 * @param maxRequestDepth outstanding requests per peer at most; the depth adapts to each peer's
 *     rate below that
 * @param uploadSlots peers unchoked at once
 * @param chokeTurn how long an unchoked peer keeps its slot while others wait
 * @param idleSlot an unchoked peer that asks us for nothing this long (no request queued, none
 *     sent) gives its slot to a waiting peer before its turn ends; longer than a round trip, or
 *     peers lose their slot before their first request arrives; zero (the default): only turns end
 * @param strikesToBan failed hash checks that a peer alone is blamed for before it is banned
 * @param tick how often timeouts, rates, the choker and dialing are looked at
 * @param requestTimeout after this long another peer may be asked for a requested block
 * @param windowBytes the streaming window ahead of a reader, at least, in whole pieces
 * @param blockSize bytes per request: 16 KiB (BEP 3), {@link #MEMBER_BLOCK_SIZE} between members of
 *     a cluster
 * @param superSeedOffers a torrent that starts as a seed offers each peer it uploads to this many
 *     pieces at a time ({@link SuperSeeder}); 0 announces every piece at once
 * @param location our zone and rack: peers of our rack, then zone, are asked first ({@link
 *     io.layerswarm.swarm.sched.NearFirst}); unknown asks every peer alike
 */
public record TorrentPolicy(
    int maxConnections,
    int numWant,
    int maxRequestDepth,
    int uploadSlots,
    Duration chokeTurn,
    Duration idleSlot,
    int strikesToBan,
    Duration tick,
    Duration requestTimeout,
    long windowBytes,
    int blockSize,
    int superSeedOffers,
    Location location) {

  /**
   * An unchoked peer that asked us for nothing for 25 ms yields its slot (decision 38): in a swarm
   * that streams, a peer is interested in us as long as we have a piece it lacks, even when it has
   * asked others for all of them, and such a peer held a quarter to half of the upload slots for a
   * whole 20 s turn. 25 ms is many round trips inside a datacenter and shorter than a piece's trip
   * over one upload slot. Not the default: a block's write completes once the kernel has it, long
   * before the peer does on a slow link, so in netns at 20 Mbit/s peers lost their slots while data
   * was still on its way (twice the peer threads' CPU at N = 16, decision 38).
   */
  public static final Duration IDLE_SLOT = Duration.ofMillis(25);

  /**
   * The engine's settings: 256 requests of 16 KiB at most (4 MiB, half a second of a 10 Gbit/s
   * peer), 4 upload slots with 20 s turns, a 16 MiB streaming window. Few slots, because a piece
   * can be passed on only once it is whole: a host that uploads to 16 peers of each of 10 layers at
   * once finishes every piece late, and the swarm waits (decision 29).
   */
  public static final TorrentPolicy DEFAULTS =
      new TorrentPolicy(
          50,
          50,
          256,
          4,
          Duration.ofSeconds(20),
          Duration.ZERO,
          3,
          Duration.ofSeconds(1),
          Duration.ofSeconds(15),
          16L * 1024 * 1024,
          TorrentGeometry.BLOCK_SIZE,
          0,
          Location.UNKNOWN);

  /**
   * The request size between cluster members, which are all LayerSwarm engines: 64 KiB. Every
   * version serves up to 128 KiB ({@code Uploader.MAX_REQUEST_LENGTH}); the simulator found 64 KiB
   * as fast as 16 KiB and 128 KiB slower on slow links, where a piece from fewer peers at once
   * finishes later (decision 35).
   */
  public static final int MEMBER_BLOCK_SIZE = 64 * 1024;

  public TorrentPolicy {
    positive("maxConnections", maxConnections);
    positive("maxRequestDepth", maxRequestDepth);
    positive("uploadSlots", uploadSlots);
    positive("strikesToBan", strikesToBan);
    positive("blockSize", blockSize);
    Objects.requireNonNull(idleSlot, "idleSlot");
    if (idleSlot.isNegative()) {
      throw new IllegalArgumentException("idleSlot must be >= 0: " + idleSlot);
    }
    if (numWant < 0 || windowBytes < 0 || superSeedOffers < 0) {
      throw new IllegalArgumentException("numWant, windowBytes and superSeedOffers must be >= 0");
    }
    for (Duration d : new Duration[] {chokeTurn, tick, requestTimeout}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("durations must be > 0: " + d);
      }
    }
    Objects.requireNonNull(location, "location");
  }

  /** This policy at {@code value}. */
  public TorrentPolicy withLocation(Location value) {
    return with(copy -> copy.location = value);
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1: " + value);
    }
  }

  public TorrentPolicy withMaxConnections(int maxConnections) {
    return with(copy -> copy.maxConnections = maxConnections);
  }

  public TorrentPolicy withNumWant(int numWant) {
    return with(copy -> copy.numWant = numWant);
  }

  public TorrentPolicy withUploadSlots(int uploadSlots) {
    return with(copy -> copy.uploadSlots = uploadSlots);
  }

  public TorrentPolicy withChokeTurn(Duration chokeTurn) {
    return with(copy -> copy.chokeTurn = chokeTurn);
  }

  public TorrentPolicy withIdleSlot(Duration idleSlot) {
    return with(copy -> copy.idleSlot = idleSlot);
  }

  public TorrentPolicy withBlockSize(int blockSize) {
    return with(copy -> copy.blockSize = blockSize);
  }

  public TorrentPolicy withSuperSeedOffers(int superSeedOffers) {
    return with(copy -> copy.superSeedOffers = superSeedOffers);
  }

  /** A copy of this policy with {@code change} applied, validated as any policy is. */
  private TorrentPolicy with(Consumer<Copy> change) {
    Copy copy = new Copy(this);
    change.accept(copy);
    return copy.build();
  }

  /**
   * The components of a policy while a copy of it is changed (as in the service configs): each
   * wither names only its own component rather than repeating all of them.
   */
  private static final class Copy {
    int maxConnections;
    int numWant;
    int maxRequestDepth;
    int uploadSlots;
    Duration chokeTurn;
    Duration idleSlot;
    int strikesToBan;
    Duration tick;
    Duration requestTimeout;
    long windowBytes;
    int blockSize;
    int superSeedOffers;
    Location location;

    Copy(TorrentPolicy policy) {
      maxConnections = policy.maxConnections;
      numWant = policy.numWant;
      maxRequestDepth = policy.maxRequestDepth;
      uploadSlots = policy.uploadSlots;
      chokeTurn = policy.chokeTurn;
      idleSlot = policy.idleSlot;
      strikesToBan = policy.strikesToBan;
      tick = policy.tick;
      requestTimeout = policy.requestTimeout;
      windowBytes = policy.windowBytes;
      blockSize = policy.blockSize;
      superSeedOffers = policy.superSeedOffers;
      location = policy.location;
    }

    TorrentPolicy build() {
      return new TorrentPolicy(
          maxConnections,
          numWant,
          maxRequestDepth,
          uploadSlots,
          chokeTurn,
          idleSlot,
          strikesToBan,
          tick,
          requestTimeout,
          windowBytes,
          blockSize,
          superSeedOffers,
          location);
    }
  }
}
