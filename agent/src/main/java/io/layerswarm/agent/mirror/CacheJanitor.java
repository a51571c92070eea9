package io.layerswarm.agent.mirror;

import io.layerswarm.agent.cache.BlobLeases;
import io.layerswarm.agent.cache.CacheEntry;
import io.layerswarm.agent.cache.CacheEntry.Hold;
import io.layerswarm.agent.cache.CachePolicy;
import io.layerswarm.agent.cache.CachePolicy.Eviction;
import io.layerswarm.core.Digest;
import io.layerswarm.core.disk.DiskSpace;
import io.layerswarm.core.disk.FreeSpaceFloor;
import io.layerswarm.core.disk.SpaceLimit;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.registry.store.BlobStore;
import io.layerswarm.swarm.Torrent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the {@link CachePolicy} to the agent's store: the I/O shell around the pure decision.
 * Each {@link #run} lists the cached blobs (size, last access = file modification time), holds the
 * ones in use, asks the policy, and evicts: the torrent leaves the engine (so the blob is no longer
 * seeded), then the blob and its saved metainfo are deleted.
 *
 * <p>In use, never evicted: a blob a response is reading ({@link BlobLeases}), a blob still being
 * fetched (its expected size counts against the budget, so room is made for it), and a blob peers
 * are downloading from: its torrent uploaded bytes since the previous run (or, on first sight, has
 * peers connected). Upload activity also counts as an access, so the file's modification time moves
 * forward.
 *
 * <p>Pinned, never evicted: a blob of an image of {@code agent.pins} (the predicate given).
 *
 * <p>Free space: the janitor also keeps the data file system's free-space floor. When the space
 * left after what the transfers in progress still have to write is under the floor, it evicts the
 * least recently used blobs that are not in use until it is not ({@link
 * CachePolicy.Reason#FREE_SPACE}). {@link #makeRoom} does the same for a blob about to be fetched,
 * and says whether it fits.
 *
 * <p>Threads: {@link #run} and {@link #makeRoom} are serialized; they do blocking file I/O, so call
 * them off event loops (the agent's timer, the blocking executor).
 */
public final class CacheJanitor {
  private static final Logger log = LoggerFactory.getLogger(CacheJanitor.class);

  private final BlobStore store;
  private final Swarm swarm;
  private final Supplier<Collection<Torrent>> torrents;
  private final CacheSeeder seeder;
  private final BlobLeases leases;
  private final BlobFetcher fetcher;
  private final CachePolicy policy;
  private final InstantSource clock;
  private final DiskSpace disk;
  private final FreeSpaceFloor floor;
  private final Predicate<Digest> pinned;

  /**
   * Uploaded bytes of each torrent at the previous run, by identity (a seed replaces a download).
   */
  private Map<Torrent, Long> lastUploaded = new IdentityHashMap<>();

  /**
   * @param torrents the engine's torrents now
   * @param clock the time the policy judges idleness by, and upload activity records
   */
  public CacheJanitor(
      BlobStore store,
      Swarm swarm,
      Supplier<Collection<Torrent>> torrents,
      CacheSeeder seeder,
      BlobLeases leases,
      BlobFetcher fetcher,
      CachePolicy policy,
      InstantSource clock) {
    this(
        store,
        swarm,
        torrents,
        seeder,
        leases,
        fetcher,
        policy,
        clock,
        UNLIMITED_DISK,
        new FreeSpaceFloor(SpaceLimit.OFF),
        d -> false);
  }

  /**
   * @param disk the file system the store is on
   * @param floor the free space to keep on it
   * @param pinned whether a blob belongs to an image of {@code agent.pins}: never evicted
   */
  public CacheJanitor(
      BlobStore store,
      Swarm swarm,
      Supplier<Collection<Torrent>> torrents,
      CacheSeeder seeder,
      BlobLeases leases,
      BlobFetcher fetcher,
      CachePolicy policy,
      InstantSource clock,
      DiskSpace disk,
      FreeSpaceFloor floor,
      Predicate<Digest> pinned) {
    this.pinned = pinned;
    this.disk = disk;
    this.floor = floor;
    this.store = store;
    this.swarm = swarm;
    this.torrents = torrents;
    this.seeder = seeder;
    this.leases = leases;
    this.fetcher = fetcher;
    this.policy = policy;
    this.clock = clock;
  }

  /** A disk that never fills, for a janitor without a free-space floor. */
  private static final DiskSpace UNLIMITED_DISK =
      new DiskSpace() {
        @Override
        public long usableBytes() {
          return Long.MAX_VALUE / 2;
        }

        @Override
        public long totalBytes() {
          return Long.MAX_VALUE / 2;
        }
      };

  public CachePolicy policy() {
    return policy;
  }

  public FreeSpaceFloor floor() {
    return floor;
  }

  /**
   * Makes room for a blob of {@code bytes} about to be fetched: evicts (as {@link #run} does) until
   * it fits above the free-space floor with what the transfers in progress still write.
   *
   * @return the evictions, and whether the blob fits now
   * @throws IOException when the store cannot be listed
   */
  public synchronized Room makeRoom(long bytes) throws IOException {
    if (floor.fits(disk, bytes + stillToWrite(fetcher.transfers()))) {
      return new Room(List.of(), true); // the common case: no listing of the store
    }
    List<Eviction> evicted = pass(bytes);
    return new Room(evicted, floor.fits(disk, bytes + stillToWrite(fetcher.transfers())));
  }

  /** What {@link #makeRoom} did. */
  public record Room(List<Eviction> evicted, boolean fits) {}

  /** Bytes the transfers in progress have yet to write, as far as their progress tells. */
  private static long stillToWrite(Collection<TransferProgress> transfers) {
    long total = 0;
    for (TransferProgress transfer : transfers) {
      if (transfer.totalBytes().isPresent()) {
        total += Math.max(0, transfer.totalBytes().getAsLong() - transfer.verifiedBytes());
      }
    }
    return total;
  }

  /**
   * One pass: holds, decides, evicts.
   *
   * @return what was evicted
   * @throws IOException when the store cannot be listed
   */
  public synchronized List<Eviction> run() throws IOException {
    return pass(0);
  }

  /** One pass, keeping the floor free beyond {@code incomingBytes} more. */
  private List<Eviction> pass(long incomingBytes) throws IOException {
    Instant now = clock.instant();
    Map<String, Torrent> torrentByHex = new HashMap<>();
    Set<String> uploading = new HashSet<>();
    Map<Torrent, Long> uploadedNow = new IdentityHashMap<>();
    for (Torrent torrent : torrents.get()) {
      String hex = torrent.metainfo().name();
      torrentByHex.put(hex, torrent);
      long uploaded = torrent.uploadedBytes();
      uploadedNow.put(torrent, uploaded);
      Long before = lastUploaded.get(torrent);
      if (before == null ? torrent.connectedPeers() > 0 : uploaded > before) {
        uploading.add(hex);
      }
    }
    lastUploaded = uploadedNow;

    Map<Digest, Long> fetching = new HashMap<>();
    Collection<TransferProgress> transfers = fetcher.transfers();
    for (TransferProgress transfer : transfers) {
      fetching.put(transfer.digest(), transfer.totalBytes().orElse(0));
    }

    List<CacheEntry> entries = new ArrayList<>();
    for (Digest digest : store.list()) {
      Optional<Path> file = store.path(digest);
      OptionalLong size = store.size(digest);
      if (file.isEmpty() || size.isEmpty()) {
        continue; // deleted meanwhile
      }
      boolean active = uploading.contains(digest.hex());
      Instant lastAccess;
      try {
        if (active) {
          Files.setLastModifiedTime(file.get(), FileTime.from(now));
          lastAccess = now;
        } else {
          lastAccess = Files.getLastModifiedTime(file.get()).toInstant();
        }
      } catch (NoSuchFileException e) {
        continue;
      }
      boolean inUse = active || leases.isLeased(digest) || fetching.containsKey(digest);
      Hold hold = pinned.test(digest) ? Hold.PINNED : inUse ? Hold.IN_USE : Hold.NONE;
      entries.add(new CacheEntry(digest, size.getAsLong(), lastAccess, hold));
      fetching.remove(digest);
    }
    for (Map.Entry<Digest, Long> transfer : fetching.entrySet()) {
      entries.add(new CacheEntry(transfer.getKey(), transfer.getValue(), now, Hold.IN_USE));
    }

    long bytesToFree = floor.bytesToFree(disk, incomingBytes + stillToWrite(transfers));
    List<Eviction> decided = policy.evictions(entries, now, bytesToFree);
    List<Eviction> evicted = new ArrayList<>(decided.size());
    for (Eviction eviction : decided) {
      Digest digest = eviction.digest();
      if (leases.isLeased(digest)) {
        continue; // a response started reading it since the listing
      }
      Torrent torrent = torrentByHex.get(digest.hex());
      if (torrent != null) {
        InfoHash infoHash = torrent.infoHash();
        swarm.remove(infoHash);
      }
      try {
        store.delete(digest);
        seeder.forget(digest);
      } catch (IOException e) {
        log.atWarn().addKeyValue("digest", digest).log("evicting failed: {}", e.toString());
        continue;
      }
      evicted.add(eviction);
      log.atInfo()
          .addKeyValue("digest", digest)
          .log(
              "evicted ({} bytes, {})",
              eviction.sizeBytes(),
              switch (eviction.reason()) {
                case IDLE -> "idle for " + policy.timeToIdle() + " or more";
                case OVER_BUDGET ->
                    "cache over "
                        + policy.highWatermarkPercent()
                        + "% of "
                        + policy.maxBytes()
                        + " bytes";
                case FREE_SPACE ->
                    "less than " + floor.floor() + " free on " + disk + " (disk-free-min)";
              });
    }
    if (policy.maxBytes() > 0) {
      long total = 0;
      for (CacheEntry entry : entries) {
        total += entry.sizeBytes();
      }
      for (Eviction eviction : evicted) {
        total -= eviction.sizeBytes();
      }
      if (total > policy.highWatermarkBytes()) {
        log.warn(
            "cache holds {} bytes, over its high watermark of {} bytes, but the rest is in"
                + " use (read, seeded to active peers, or being fetched)",
            total,
            policy.highWatermarkBytes());
      }
    }
    return evicted;
  }
}
