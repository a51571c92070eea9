package io.layerswarm.agent.mirror;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.store.BlobStore;
import io.layerswarm.registry.store.BlobWriter;
import io.layerswarm.registry.store.HashedPrefix;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;

/** A store that records how each adopt was asked for: with a hashed prefix, or the whole file. */
final class AdoptRecordingStore implements BlobStore {
  /** One adopt: the bytes of its hashed prefix, or -1 when the whole file was to be hashed. */
  record Adopt(Digest digest, long prefixBytes) {}

  private final BlobStore store;
  final List<Adopt> adopts = new CopyOnWriteArrayList<>();

  AdoptRecordingStore(BlobStore store) {
    this.store = store;
  }

  @Override
  public void adopt(Digest digest, Path file) throws IOException {
    adopts.add(new Adopt(digest, -1));
    store.adopt(digest, file);
  }

  @Override
  public void adopt(Digest digest, Path file, HashedPrefix prefix) throws IOException {
    adopts.add(new Adopt(digest, prefix.length()));
    store.adopt(digest, file, prefix);
  }

  @Override
  public boolean contains(Digest digest) {
    return store.contains(digest);
  }

  @Override
  public OptionalLong size(Digest digest) {
    return store.size(digest);
  }

  @Override
  public InputStream open(Digest digest, long offset) throws IOException {
    return store.open(digest, offset);
  }

  @Override
  public BlobWriter create(Digest expected) throws IOException {
    return store.create(expected);
  }

  @Override
  public boolean delete(Digest digest) throws IOException {
    return store.delete(digest);
  }

  @Override
  public List<Digest> list() throws IOException {
    return store.list();
  }

  @Override
  public long totalBytes() throws IOException {
    return store.totalBytes();
  }

  @Override
  public Optional<Path> path(Digest digest) {
    return store.path(digest);
  }
}
