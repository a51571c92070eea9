package io.layerswarm.seeder.evict;

import io.layerswarm.core.Digest;
import io.layerswarm.core.disk.DiskSpace;
import io.layerswarm.core.disk.FreeSpaceFloor;
import io.layerswarm.core.disk.SpaceLimit;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link EvictionPolicy} over the held blobs, periodically and on request, and evicts what it
 * chooses through the {@link EvictionTarget}, which refuses anything that would break a transfer.
 *
 * <p>Each sweep first samples every torrent's upload counter: a counter that moved since the last
 * sweep counts as a use (it refreshes the time-to-idle) and makes the blob busy, as does a
 * connected peer or a fetch in progress. So a blob that went idle by the clock while a peer
 * downloads it stays until the upload has ended and a full time-to-idle has passed since.
 *
 * <p>With a free-space floor, a sweep also evicts until the data file system has the floor free
 * again, and {@link #makeRoom} does so for a blob about to be fetched.
 *
 * <p>Thread-safe: sweeps, {@link #makeRoom} and {@link #evictNow} are serialized. Time comes from
 * the injected clock; tests call {@link #sweep} directly.
 */
public final class Evictor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Evictor.class);

  /** Default period of {@link #start}. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);

  /** Told about every eviction; for metrics. Called on the sweeping thread. */
  @FunctionalInterface
  public interface Listener {
    void evicted(Eviction eviction);
  }

  /** What one sweep did. */
  public record Sweep(List<Eviction> evicted, int refused, long heldBytes) {
    public Sweep {
      evicted = List.copyOf(evicted);
    }
  }

  private final EvictionTarget target;
  private final EvictionSettings settings;
  private final AccessLog access;
  private final InstantSource clock;
  private final Listener listener;
  private final DiskSpace disk;
  private final FreeSpaceFloor floor;

  /** Upload counters at the last sweep. Guarded by this. */
  private final Map<Digest, Long> uploadedAtLastSweep = new HashMap<>();

  private final AtomicBoolean sweepRequested = new AtomicBoolean();
  private volatile ScheduledExecutorService scheduler;
  private volatile ScheduledFuture<?> schedule;

  public Evictor(
      EvictionTarget target,
      EvictionSettings settings,
      AccessLog access,
      InstantSource clock,
      Listener listener) {
    this(target, settings, access, clock, listener, null, new FreeSpaceFloor(SpaceLimit.OFF));
  }

  /**
   * @param disk the data directory's file system; may be null when {@code floor} is off
   * @param floor the free space to keep on it
   */
  public Evictor(
      EvictionTarget target,
      EvictionSettings settings,
      AccessLog access,
      InstantSource clock,
      Listener listener,
      DiskSpace disk,
      FreeSpaceFloor floor) {
    this.disk = disk;
    this.floor = floor;
    this.target = target;
    this.settings = settings;
    this.access = access;
    this.clock = clock;
    this.listener = listener;
  }

  public EvictionSettings settings() {
    return settings;
  }

  /**
   * Sweeps on {@code scheduler} every {@code interval}; {@link #requestSweep} uses it too. The
   * scheduler is the caller's; {@link #close} stops the periodic sweeps.
   */
  public synchronized void start(ScheduledExecutorService scheduler, Duration interval) {
    if (this.scheduler != null) {
      throw new IllegalStateException("evictor already started");
    }
    this.scheduler = scheduler;
    schedule =
        scheduler.scheduleWithFixedDelay(
            this::sweepQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Asks for a sweep soon on the scheduler (for example after a fetch added bytes); requests made
   * before it runs are coalesced. Does nothing before {@link #start} or when the watermarks are
   * off.
   */
  public void requestSweep() {
    ScheduledExecutorService executor = scheduler;
    if (executor == null
        || !(settings.watermarksOn() || floorOn())
        || !sweepRequested.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(
          () -> {
            sweepRequested.set(false);
            sweepQuietly();
          });
    } catch (RejectedExecutionException e) {
      sweepRequested.set(false); // shutting down
    }
  }

  private void sweepQuietly() {
    try {
      sweep();
    } catch (IOException | RuntimeException e) {
      log.warn("eviction sweep failed: {}", e.toString(), e);
    }
  }

  private boolean floorOn() {
    return disk != null && !floor.floor().isOff();
  }

  /**
   * Makes room for a blob of {@code bytes} about to be fetched, evicting as a sweep does until it
   * fits above the free-space floor.
   *
   * @return whether it fits now
   */
  public synchronized boolean makeRoom(long bytes) throws IOException {
    if (!floorOn()) {
      return true;
    }
    sweep(bytes);
    return floor.fits(disk, bytes);
  }

  /** Samples uploads, applies the policy at the clock's now, and evicts what it chose. */
  public synchronized Sweep sweep() throws IOException {
    return sweep(0);
  }

  private Sweep sweep(long incomingBytes) throws IOException {
    Instant now = clock.instant();
    List<HeldBlob> held = target.held();
    List<BlobUsage> usages = new ArrayList<>(held.size());
    Map<Digest, Long> generations = new HashMap<>();
    Set<Digest> present = new HashSet<>();
    long heldBytes = 0;
    for (HeldBlob blob : held) {
      Digest digest = blob.digest();
      present.add(digest);
      heldBytes += blob.sizeBytes();
      boolean uploading = false;
      if (blob.uploadedBytes().isPresent()) {
        long uploaded = blob.uploadedBytes().getAsLong();
        Long before = uploadedAtLastSweep.put(digest, uploaded);
        // A new counter (first sweep, or a new torrent) that is not zero moved since we last knew.
        uploading = before == null ? uploaded > 0 : before != uploaded;
      } else {
        uploadedAtLastSweep.remove(digest);
      }
      if (uploading || access.lastAccess(digest).isEmpty()) {
        access.touch(digest, now);
      }
      generations.put(digest, access.generation(digest));
      boolean busy = uploading || blob.peers() > 0 || blob.fetching();
      usages.add(
          new BlobUsage(digest, blob.sizeBytes(), access.lastAccess(digest).orElse(now), busy));
    }
    uploadedAtLastSweep.keySet().retainAll(present);
    long bytesToFree = floorOn() ? floor.bytesToFree(disk, incomingBytes) : 0;
    if (!settings.enabled() && bytesToFree == 0) {
      return new Sweep(List.of(), 0, heldBytes);
    }

    List<Eviction> evicted = new ArrayList<>();
    int refused = 0;
    for (Eviction choice : EvictionPolicy.select(usages, settings, now, bytesToFree)) {
      EvictionTarget.Result result =
          target.evict(choice.digest(), generations.get(choice.digest()));
      if (result.outcome() == EvictOutcome.EVICTED) {
        Eviction done = new Eviction(choice.digest(), result.bytesFreed(), choice.reason());
        evicted.add(done);
        heldBytes -= result.bytesFreed();
        uploadedAtLastSweep.remove(choice.digest());
        log.atInfo()
            .addKeyValue("digest", choice.digest())
            .log("evicted ({} bytes, {})", result.bytesFreed(), choice.reason().label());
        listener.evicted(done);
      } else {
        refused++;
        log.atDebug()
            .addKeyValue("digest", choice.digest())
            .log("not evicting: {}", result.outcome().reason());
      }
    }
    return new Sweep(evicted, refused, heldBytes);
  }

  /**
   * Evicts one blob now, whatever the policy says, unless that would break a transfer (an
   * operator's request: recent use does not protect it).
   */
  public synchronized EvictionTarget.Result evictNow(Digest digest) throws IOException {
    EvictionTarget.Result result = target.evict(digest, EvictionTarget.ANY_GENERATION);
    if (result.outcome() == EvictOutcome.EVICTED) {
      uploadedAtLastSweep.remove(digest);
      log.atInfo()
          .addKeyValue("digest", digest)
          .log("evicted ({} bytes) on request", result.bytesFreed());
      listener.evicted(new Eviction(digest, result.bytesFreed(), Eviction.Reason.REQUEST));
    }
    return result;
  }

  @Override
  public void close() {
    ScheduledFuture<?> running = schedule;
    if (running != null) {
      running.cancel(false);
    }
  }
}
