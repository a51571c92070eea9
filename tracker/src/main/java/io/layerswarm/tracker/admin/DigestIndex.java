package io.layerswarm.tracker.admin;

import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.MetainfoException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which blob digest each swarm is about, learned from the metainfo this tracker served at {@code
 * /metainfo/<digest>}: the admin API shows digests next to info hashes and accepts a digest where
 * it needs an info hash. In memory, per replica, lost on restart; the most recent {@code capacity}
 * torrents are kept (about 200 bytes each). Thread-safe.
 */
public final class DigestIndex {
  /** 16384 torrents, about 3 MiB. */
  public static final int DEFAULT_CAPACITY = 16_384;

  private final int capacity;
  private final LinkedHashMap<InfoHash, Digest> byInfoHash;
  private final Map<Digest, InfoHash> byDigest = new HashMap<>();

  public DigestIndex() {
    this(DEFAULT_CAPACITY);
  }

  public DigestIndex(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
    this.byInfoHash = new LinkedHashMap<>(16, 0.75f, false);
  }

  /**
   * Records that {@code metainfo} (a bencoded torrent) is the torrent of {@code digest}. Bytes that
   * do not parse are ignored: the index is a convenience, never a reason to fail a request.
   */
  public void record(Digest digest, byte[] metainfo) {
    InfoHash infoHash;
    try {
      infoHash = Metainfo.parse(metainfo).infoHash();
    } catch (MetainfoException | RuntimeException e) {
      return;
    }
    record(digest, infoHash);
  }

  /** Records the pair; the newest pair for a digest or an info hash wins. */
  public synchronized void record(Digest digest, InfoHash infoHash) {
    InfoHash previous = byDigest.put(digest, infoHash);
    if (previous != null && !previous.equals(infoHash)) {
      byInfoHash.remove(previous);
    }
    Digest before = byInfoHash.remove(infoHash); // re-inserted: the newest goes last
    if (before != null && !before.equals(digest)) {
      byDigest.remove(before, infoHash);
    }
    byInfoHash.put(infoHash, digest);
    while (byInfoHash.size() > capacity) {
      Map.Entry<InfoHash, Digest> eldest = byInfoHash.entrySet().iterator().next();
      byInfoHash.remove(eldest.getKey());
      byDigest.remove(eldest.getValue(), eldest.getKey());
    }
  }

  public synchronized Optional<Digest> digest(InfoHash infoHash) {
    return Optional.ofNullable(byInfoHash.get(infoHash));
  }

  public synchronized Optional<InfoHash> infoHash(Digest digest) {
    return Optional.ofNullable(byDigest.get(digest));
  }

  public synchronized int size() {
    return byInfoHash.size();
  }
}
