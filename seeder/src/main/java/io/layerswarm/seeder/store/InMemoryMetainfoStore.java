package io.layerswarm.seeder.store;

import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.MetainfoException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link MetainfoStore} in memory. It keeps the encoded bytes and parses them on read, as the
 * file store does, so tests see the same round trip. Thread-safe.
 */
public final class InMemoryMetainfoStore implements MetainfoStore {
  private final ConcurrentHashMap<Digest, byte[]> entries = new ConcurrentHashMap<>();

  @Override
  public Optional<Metainfo> get(Digest digest) throws MetainfoException {
    byte[] encoded = entries.get(digest);
    return encoded == null ? Optional.empty() : Optional.of(Metainfo.parse(encoded.clone()));
  }

  @Override
  public void put(Digest digest, Metainfo metainfo) {
    entries.put(digest, metainfo.encode());
  }

  /** Stores raw bytes as the entry of {@code digest}, to simulate a damaged entry in tests. */
  public void putRaw(Digest digest, byte[] torrent) {
    entries.put(digest, torrent.clone());
  }

  @Override
  public void delete(Digest digest) {
    entries.remove(digest);
  }

  @Override
  public Set<Digest> list() {
    return Set.copyOf(entries.keySet());
  }
}
