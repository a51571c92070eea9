package io.layerswarm.agent.admin;

import io.layerswarm.agent.mirror.TransferProgress;
import io.layerswarm.core.Digest;
import io.layerswarm.registry.store.BlobStore;
import io.layerswarm.swarm.SwarmEngine;
import io.layerswarm.swarm.Torrent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes one blob from the agent on an admin's request: its torrent, the blob in the store, and
 * the saved metainfo that would seed it again after a restart. A blob that a client is reading
 * through the agent, or that is being downloaded, is left alone; so is a blob of a pinned image,
 * unless forced. Thread-safe (one eviction at a time).
 */
public final class Evictor {
  private static final Logger log = LoggerFactory.getLogger(Evictor.class);

  /** Why an eviction changed nothing: the blob is in use. */
  public static final class BlobInUseException extends Exception {
    BlobInUseException(String message) {
      super(message);
    }
  }

  /**
   * What was removed.
   *
   * @param blobBytes size of the deleted blob, 0 if it was not cached
   */
  public record Evicted(
      Digest digest,
      boolean torrentRemoved,
      boolean blobDeleted,
      long blobBytes,
      boolean metainfoDeleted) {}

  private final BlobStore store;
  private final Path torrentDir;
  private final SwarmEngine engine;
  private final Supplier<List<TransferProgress>> transfers;
  private final ToIntFunction<Digest> readers;
  private final Consumer<Evicted> onEvicted;
  private final Function<Digest, Optional<String>> pinnedBy;

  /**
   * @param torrentDir where the agent saves the metainfo of cached blobs as {@code <hex>.torrent}
   *     (the layout of {@code CacheSeeder})
   * @param transfers the downloads in progress
   * @param readers how many client responses read a blob now ({@link Drain#readers})
   */
  public Evictor(
      BlobStore store,
      Path torrentDir,
      SwarmEngine engine,
      Supplier<List<TransferProgress>> transfers,
      ToIntFunction<Digest> readers) {
    this(store, torrentDir, engine, transfers, readers, evicted -> {}, d -> Optional.empty());
  }

  /**
   * @param onEvicted told of each eviction that removed something (for the metrics)
   * @param pinnedBy the {@code agent.pins} image that holds a blob, if one does: such a blob is
   *     only evicted when forced
   */
  public Evictor(
      BlobStore store,
      Path torrentDir,
      SwarmEngine engine,
      Supplier<List<TransferProgress>> transfers,
      ToIntFunction<Digest> readers,
      Consumer<Evicted> onEvicted,
      Function<Digest, Optional<String>> pinnedBy) {
    this.pinnedBy = Objects.requireNonNull(pinnedBy, "pinnedBy");
    this.onEvicted = Objects.requireNonNull(onEvicted, "onEvicted");
    this.store = Objects.requireNonNull(store, "store");
    this.torrentDir = Objects.requireNonNull(torrentDir, "torrentDir");
    this.engine = Objects.requireNonNull(engine, "engine");
    this.transfers = Objects.requireNonNull(transfers, "transfers");
    this.readers = Objects.requireNonNull(readers, "readers");
  }

  /**
   * Stops the blob's torrent (its peers are cut off), deletes the blob and its saved metainfo.
   * Blocking (file system); call off event loops.
   *
   * @throws NoSuchElementException if the agent has no torrent, blob or metainfo for it
   * @throws BlobInUseException if a client reads it or a download of it runs; nothing changed
   * @throws IOException if deleting failed; what was removed before stays removed
   */
  public synchronized Evicted evict(Digest digest) throws IOException, BlobInUseException {
    return evict(digest, false);
  }

  /**
   * As {@link #evict(Digest)}; a blob of a pinned image is refused unless {@code force} (then the
   * agent fetches it again at the pin's next check).
   *
   * @throws BlobInUseException also when the blob is pinned and {@code force} is false
   */
  public synchronized Evicted evict(Digest digest, boolean force)
      throws IOException, BlobInUseException {
    Objects.requireNonNull(digest, "digest");
    Optional<String> pin = pinnedBy.apply(digest);
    if (pin.isPresent() && !force) {
      throw new BlobInUseException(
          digest
              + " belongs to the pinned image "
              + pin.get()
              + " (agent.pins); evict it with --force, and the agent fetches it again");
    }
    for (TransferProgress transfer : transfers.get()) {
      if (transfer.digest().equals(digest)) {
        throw new BlobInUseException(
            digest
                + " is being downloaded ("
                + transfer.phase().name().toLowerCase(java.util.Locale.ROOT)
                + "); evict it when the"
                + " download is over");
      }
    }
    int reading = readers.applyAsInt(digest);
    if (reading > 0) {
      throw new BlobInUseException(
          digest
              + " is being read by "
              + reading
              + (reading == 1 ? " client" : " clients")
              + "; evict it when the pull is over");
    }
    List<Torrent> torrents =
        engine.torrents().stream().filter(t -> t.metainfo().name().equals(digest.hex())).toList();
    Path metainfo = torrentDir.resolve(digest.hex() + ".torrent");
    OptionalLong size = store.size(digest);
    if (torrents.isEmpty() && size.isEmpty() && !Files.exists(metainfo)) {
      throw new NoSuchElementException("the agent has no blob, torrent or metainfo for " + digest);
    }
    for (Torrent torrent : torrents) {
      engine.remove(torrent.infoHash());
    }
    boolean blobDeleted = store.delete(digest);
    boolean metainfoDeleted = Files.deleteIfExists(metainfo);
    Evicted evicted =
        new Evicted(
            digest,
            !torrents.isEmpty(),
            blobDeleted,
            blobDeleted ? size.orElse(0) : 0,
            metainfoDeleted);
    log.atInfo()
        .addKeyValue("digest", digest)
        .log(
            "evicted on admin request: torrent removed {}, blob deleted {} ({} bytes),"
                + " metainfo deleted {}",
            evicted.torrentRemoved(),
            blobDeleted,
            evicted.blobBytes(),
            metainfoDeleted);
    onEvicted.accept(evicted);
    return evicted;
  }
}
