package io.layerswarm.testbed;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A content-addressed blob of a synthetic image. Small blobs (manifest, config) live in memory,
 * large layers in a file so that images of hundreds of MiB don't sit in the heap.
 */
public final class Blob {

  private final String mediaType;
  private final String digest;
  private final long size;
  private final byte[] bytes;
  private final Path file;

  private Blob(String mediaType, String digest, long size, byte[] bytes, Path file) {
    this.mediaType = Objects.requireNonNull(mediaType, "mediaType");
    this.digest = Digests.requireSha256(digest);
    this.size = size;
    this.bytes = bytes;
    this.file = file;
  }

  public static Blob ofBytes(String mediaType, byte[] bytes) {
    byte[] copy = bytes.clone();
    return new Blob(mediaType, Digests.sha256(copy), copy.length, copy, null);
  }

  /**
   * The caller vouches for digest and size (computed while writing); {@link #verify()} re-checks.
   */
  public static Blob ofFile(String mediaType, Path file, String digest, long size) {
    return new Blob(mediaType, digest, size, null, Objects.requireNonNull(file, "file"));
  }

  public String mediaType() {
    return mediaType;
  }

  public String digest() {
    return digest;
  }

  public long size() {
    return size;
  }

  /** The backing file, if this blob is not held in memory. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  public InputStream openStream() throws IOException {
    return bytes != null ? new ByteArrayInputStream(bytes) : Files.newInputStream(file);
  }

  /** Only sensible for small blobs; layers may be hundreds of MiB. */
  public byte[] readAllBytes() throws IOException {
    if (bytes != null) {
      return bytes.clone();
    }
    if (size > Integer.MAX_VALUE - 16) {
      throw new IOException(
          "blob " + digest + " is too large to read into memory: " + size + " bytes");
    }
    return Files.readAllBytes(file);
  }

  HttpRequest.BodyPublisher bodyPublisher() {
    if (bytes != null) {
      return HttpRequest.BodyPublishers.ofByteArray(bytes);
    }
    try {
      return HttpRequest.BodyPublishers.ofFile(file);
    } catch (IOException e) {
      throw new UncheckedIOException("blob file of " + digest + " is gone: " + file, e);
    }
  }

  /** Re-hashes the content; throws if it no longer matches digest or size. */
  public void verify() throws IOException {
    long actualSize = bytes != null ? bytes.length : Files.size(file);
    String actual;
    try (InputStream in = openStream()) {
      actual = Digests.sha256(in);
    }
    if (actualSize != size || !actual.equals(digest)) {
      throw new IOException(
          "blob content does not match its descriptor: expected "
              + digest
              + " ("
              + size
              + " bytes), found "
              + actual
              + " ("
              + actualSize
              + " bytes)");
    }
  }

  @Override
  public String toString() {
    return "Blob["
        + digest
        + ", "
        + size
        + " bytes, "
        + mediaType
        + (file != null ? ", " + file : "")
        + "]";
  }
}
