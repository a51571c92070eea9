package io.layerswarm.registry.store;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.client.DigestMismatchException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BlobStore} on disk. Layout: {@code <root>/blobs/sha256/<hex>} for blobs and {@code
 * <root>/tmp/} for writes in progress, on the same filesystem so that publishing is one atomic
 * rename. One store instance owns its root: opening it deletes leftover temp files, and entries in
 * {@code blobs/sha256} that are not 64-hex regular files are ignored with a warning. Thread-safe;
 * every method does blocking file I/O, so keep it off event loops.
 */
public final class FileBlobStore implements BlobStore {
  private static final Logger log = LoggerFactory.getLogger(FileBlobStore.class);
  private static final Pattern HEX = Pattern.compile("[a-f0-9]{64}");
  private static final int HASH_BUFFER_BYTES = 1 << 20;
  private static final int WRITE_BUFFER_BYTES = 1 << 16;

  private final Path root;
  private final Path blobs;
  private final Path tmp;

  /**
   * Opens (creating if needed) the store at {@code root}.
   *
   * @throws IOException when the directories cannot be created, for example because a file is in
   *     the way
   */
  public FileBlobStore(Path root) throws IOException {
    this.root = root;
    this.blobs = root.resolve("blobs").resolve("sha256");
    this.tmp = root.resolve("tmp");
    Files.createDirectories(blobs);
    Files.createDirectories(tmp);
    sweepTemp();
    warnAboutForeignEntries();
  }

  public Path root() {
    return root;
  }

  @Override
  public boolean contains(Digest digest) {
    return Files.isRegularFile(blobPath(digest), LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public OptionalLong size(Digest digest) {
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(
              blobPath(digest), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return attributes.isRegularFile() ? OptionalLong.of(attributes.size()) : OptionalLong.empty();
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("read size of blob " + digest + " in " + root + " failed", e);
    }
  }

  @Override
  public InputStream open(Digest digest, long offset) throws IOException {
    if (offset < 0) {
      throw new IllegalArgumentException(
          "open blob " + digest + " failed: negative offset " + offset);
    }
    FileChannel channel;
    try {
      channel =
          FileChannel.open(blobPath(digest), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new BlobNotFoundException("open blob", digest);
    }
    try {
      long size = channel.size();
      if (offset > size) {
        throw new IllegalArgumentException(
            "open blob " + digest + " failed: offset " + offset + " is outside 0.." + size);
      }
      channel.position(offset);
      return Channels.newInputStream(channel);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public BlobWriter create(Digest expected) throws IOException {
    Path temp = Files.createTempFile(tmp, expected.hex() + ".", ".tmp");
    FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
    return new FileBlobWriter(expected, temp, channel);
  }

  /**
   * Moves {@code file} into {@code tmp/} (a rename when it is on the same filesystem, else a copy),
   * verifies the copy we now own, then publishes it. Verifying after the move means nobody can
   * change the bytes between the check and the publish.
   */
  @Override
  public void adopt(Digest digest, Path file) throws IOException {
    Path temp = tmp.resolve(digest.hex() + ".adopt." + UUID.randomUUID() + ".tmp");
    boolean renamed;
    try {
      Files.move(file, temp, StandardCopyOption.ATOMIC_MOVE);
      renamed = true;
    } catch (AtomicMoveNotSupportedException e) {
      Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
      renamed = false;
    }
    String actual;
    try {
      actual = sha256Hex(temp);
    } catch (IOException | RuntimeException e) {
      restore(temp, file, renamed);
      throw e;
    }
    if (!actual.equals(digest.hex())) {
      restore(temp, file, renamed);
      throw new DigestMismatchException(digest, actual);
    }
    try {
      publish(temp, digest);
    } catch (IOException | RuntimeException e) {
      restore(temp, file, renamed);
      throw e;
    }
    if (!renamed) {
      Files.deleteIfExists(file);
    }
  }

  private static void restore(Path temp, Path original, boolean renamed) {
    try {
      if (renamed) {
        Files.move(temp, original, StandardCopyOption.ATOMIC_MOVE);
      } else {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      log.warn("adopt blob: could not put {} back at {}: {}", temp, original, e.toString());
    }
  }

  @Override
  public boolean delete(Digest digest) throws IOException {
    return Files.deleteIfExists(blobPath(digest));
  }

  @Override
  public List<Digest> list() throws IOException {
    List<Digest> digests = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(blobs)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (HEX.matcher(name).matches() && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
          digests.add(new Digest("sha256", name));
        }
      }
    }
    digests.sort(Comparator.comparing(Digest::hex));
    return digests;
  }

  @Override
  public long totalBytes() throws IOException {
    long total = 0;
    for (Digest digest : list()) {
      total += size(digest).orElse(0); // deleted meanwhile: counts as 0
    }
    return total;
  }

  @Override
  public Optional<Path> path(Digest digest) {
    return contains(digest) ? Optional.of(blobPath(digest)) : Optional.empty();
  }

  private Path blobPath(Digest digest) {
    // Digest validates 64 lowercase hex, so the name cannot leave the directory.
    return blobs.resolve(digest.hex());
  }

  /**
   * Renames a verified temp file to its blob path. When the blob is already there (another writer
   * of the same digest won), the content is the same by construction, so the temp file is dropped.
   */
  private void publish(Path temp, Digest digest) throws IOException {
    Path target = blobPath(digest);
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      Files.deleteIfExists(temp);
      return;
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
  }

  private void sweepTemp() throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp)) {
      for (Path entry : entries) {
        if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
          Files.deleteIfExists(entry);
          log.debug("blob store {}: deleted leftover temp file {}", root, entry.getFileName());
        } else {
          log.warn(
              "blob store {}: ignoring {} in tmp/: not a regular file", root, entry.getFileName());
        }
      }
    }
  }

  private void warnAboutForeignEntries() throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(blobs)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (!HEX.matcher(name).matches()
            || !Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
          log.warn(
              "blob store {}: ignoring {} in blobs/sha256/: not a regular file named by 64 hex digits",
              root,
              name.length() > 80 ? name.substring(0, 80) + "..." : name);
        }
      }
    }
  }

  private static String sha256Hex(Path file) throws IOException {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buffer = ByteBuffer.allocateDirect(HASH_BUFFER_BYTES);
      while (channel.read(buffer) >= 0) {
        buffer.flip();
        sha256.update(buffer);
        buffer.clear();
      }
    }
    return HexFormat.of().formatHex(sha256.digest());
  }

  /** Writes into a temp file; publishing forces it to disk, then renames it. */
  private final class FileBlobWriter extends BlobWriter {
    private final Path temp;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(WRITE_BUFFER_BYTES);

    FileBlobWriter(Digest expected, Path temp, FileChannel channel) {
      super(expected);
      this.temp = temp;
      this.channel = channel;
    }

    @Override
    protected void append(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        int n = Math.min(len, buffer.remaining());
        buffer.put(b, off, n);
        off += n;
        len -= n;
        if (!buffer.hasRemaining()) {
          flush();
        }
      }
    }

    @Override
    public void flush() throws IOException {
      if (!channel.isOpen()) {
        return; // committed or aborted: nothing left to flush
      }
      buffer.flip();
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      buffer.clear();
    }

    @Override
    protected void publish() throws IOException {
      flush();
      // Durable before visible: after a crash a blob path never holds a partial file.
      channel.force(true);
      channel.close();
      FileBlobStore.this.publish(temp, expected());
    }

    @Override
    protected void discard() throws IOException {
      try {
        channel.close();
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }
}
