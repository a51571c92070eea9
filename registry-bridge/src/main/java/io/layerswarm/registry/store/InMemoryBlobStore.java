package io.layerswarm.registry.store;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.client.DigestMismatchException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link BlobStore} in memory, for tests and small setups. Thread-safe. */
public final class InMemoryBlobStore implements BlobStore {
  private final Map<Digest, byte[]> blobs = new ConcurrentHashMap<>();

  @Override
  public boolean contains(Digest digest) {
    return blobs.containsKey(digest);
  }

  @Override
  public OptionalLong size(Digest digest) {
    byte[] content = blobs.get(digest);
    return content == null ? OptionalLong.empty() : OptionalLong.of(content.length);
  }

  @Override
  public InputStream open(Digest digest, long offset) throws IOException {
    byte[] content = blobs.get(digest);
    if (content == null) {
      throw new BlobNotFoundException("open blob", digest);
    }
    if (offset < 0 || offset > content.length) {
      throw new IllegalArgumentException(
          "open blob " + digest + " failed: offset " + offset + " is outside 0.." + content.length);
    }
    return new ByteArrayInputStream(content, (int) offset, content.length - (int) offset);
  }

  @Override
  public BlobWriter create(Digest expected) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    return new BlobWriter(expected) {
      @Override
      protected void append(byte[] b, int off, int len) {
        buffer.write(b, off, len);
      }

      @Override
      protected void publish() {
        blobs.putIfAbsent(expected, buffer.toByteArray());
      }

      @Override
      protected void discard() {
        buffer.reset();
      }
    };
  }

  /** Reads the file, verifies it and deletes it. */
  @Override
  public void adopt(Digest digest, Path file) throws IOException {
    byte[] content = Files.readAllBytes(file);
    Digest actual = Digest.sha256(content);
    if (!actual.equals(digest)) {
      throw new DigestMismatchException(digest, actual.hex());
    }
    blobs.putIfAbsent(digest, content);
    Files.delete(file);
  }

  @Override
  public boolean delete(Digest digest) {
    return blobs.remove(digest) != null;
  }

  @Override
  public List<Digest> list() {
    return blobs.keySet().stream().sorted(Comparator.comparing(Digest::toString)).toList();
  }

  @Override
  public long totalBytes() {
    return blobs.values().stream().mapToLong(b -> b.length).sum();
  }

  /** Always empty: there are no files. */
  @Override
  public Optional<Path> path(Digest digest) {
    return Optional.empty();
  }
}
