package io.layerswarm.registry.store;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.client.DigestMismatchException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
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
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BlobStore} on disk. Layout: {@code <root>/blobs/sha256/<hex>} for blobs and {@code
 * <root>/tmp/} for writes in progress, on the same filesystem so that publishing is one atomic
 * rename. One store instance owns its root: opening it deletes leftover temp files, and entries in
 * {@code blobs/sha256} that are not 64-hex regular files are ignored with a warning. Thread-safe;
 * every method does blocking file I/O, so keep it off event loops.
 *
 * <p>Durability: a blob counts as stored only once its bytes and its directory entry are on disk
 * (the file is forced before the rename, the directory after), so a power loss never leaves a
 * published blob that is partial. The disk may still lose or damage a file behind the store's back
 * (a crash of the file system, a disk that lied about a flush, an admin's mistake), so the blobs
 * found when the store is opened are <em>unverified</em>: the store acts as if it did not have them
 * ({@link #contains} is false, {@link #list} leaves them out, a write of the same digest replaces
 * the file) until {@link #verifyFound} has checked their sha256. One that does not match is
 * deleted.
 */
public final class FileBlobStore implements BlobStore {
  private static final Logger log = LoggerFactory.getLogger(FileBlobStore.class);
  private static final Pattern HEX = Pattern.compile("[a-f0-9]{64}");
  private static final int HASH_BUFFER_BYTES = 1 << 20;
  private static final int WRITE_BUFFER_BYTES = 1 << 16;

  /** Forces data to the disk: the real one, or a recording one in tests. */
  interface Sync {
    /** Forces the file's content and metadata. */
    void file(FileChannel channel) throws IOException;

    /** Forces a directory's entries (a rename or a new file in it). */
    void directory(Path directory) throws IOException;

    Sync DISK =
        new Sync() {
          @Override
          public void file(FileChannel channel) throws IOException {
            channel.force(true);
          }

          @Override
          public void directory(Path directory) throws IOException {
            try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
              dir.force(true);
            }
          }
        };
  }

  /** What {@link #verifyFound} did; {@code took} in nanoseconds of wall time. */
  public record Verification(int verified, int deleted, long bytes, long tookNanos) {
    /** MB/s (10^6 bytes per second) of hashing, 0 when nothing was hashed. */
    public double megabytesPerSecond() {
      return tookNanos <= 0 ? 0 : bytes / 1e6 / (tookNanos / 1e9);
    }
  }

  private final Path root;
  private final Path blobs;
  private final Path tmp;
  private final Sync sync;

  /**
   * The blobs found on disk when the store was opened and not yet verified, by hex. Guarded by
   * this, with every publish and delete, so a verdict never lands on a file replaced meanwhile.
   */
  private final Set<String> unverified = new HashSet<>();

  /**
   * Opens (creating if needed) the store at {@code root}. The blobs already there stay unverified
   * until {@link #verifyFound} checks them.
   *
   * @throws IOException when the directories cannot be created, for example because a file is in
   *     the way
   */
  public FileBlobStore(Path root) throws IOException {
    this(root, Sync.DISK);
  }

  FileBlobStore(Path root, Sync sync) throws IOException {
    this.root = root;
    this.blobs = root.resolve("blobs").resolve("sha256");
    this.tmp = root.resolve("tmp");
    this.sync = sync;
    Files.createDirectories(blobs);
    Files.createDirectories(tmp);
    sweepTemp();
    findBlobs();
  }

  public Path root() {
    return root;
  }

  @Override
  public boolean contains(Digest digest) {
    return !isUnverified(digest)
        && Files.isRegularFile(blobPath(digest), LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public OptionalLong size(Digest digest) {
    if (isUnverified(digest)) {
      return OptionalLong.empty();
    }
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
    if (isUnverified(digest)) {
      throw new BlobNotFoundException("open blob", digest);
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
   * verifies the copy we now own and forces it to disk (whoever wrote it may not have), then
   * publishes it. Verifying after the move means nobody can change the bytes between the check and
   * the publish.
   */
  @Override
  public void adopt(Digest digest, Path file) throws IOException {
    adopt(digest, file, HashedPrefix.NONE);
  }

  /**
   * As {@link #adopt(Digest, Path)}, hashing only the bytes after {@code prefix}. The prefix counts
   * only when the file was renamed (the same file its bytes were read from) and is at least as long
   * as the prefix; otherwise the whole file is hashed.
   */
  @Override
  public void adopt(Digest digest, Path file, HashedPrefix prefix) throws IOException {
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
      actual = sha256Hex(temp, true, renamed ? prefix : HashedPrefix.NONE);
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
    synchronized (this) {
      if (unverified.remove(digest.hex())) {
        Files.deleteIfExists(blobPath(digest));
        return false; // it was not stored as far as anyone could see
      }
    }
    return Files.deleteIfExists(blobPath(digest));
  }

  @Override
  public List<Digest> list() throws IOException {
    List<Digest> digests = new ArrayList<>();
    for (Path entry : blobFiles()) {
      String name = entry.getFileName().toString();
      if (!isUnverified(name)) {
        digests.add(new Digest("sha256", name));
      }
    }
    digests.sort(Comparator.comparing(Digest::hex));
    return digests;
  }

  /** How many blobs found at open are still waiting for {@link #verifyFound}. */
  public synchronized int unverifiedCount() {
    return unverified.size();
  }

  /**
   * Checks the sha256 of every blob found when the store was opened, the most recently modified
   * first (the agent and seeder record a use as the modification time, so hot blobs come back
   * first). A blob that matches becomes visible and {@code verified} is called with it; one that
   * does not is deleted and logged. A blob written or deleted meanwhile is left to that. Runs on
   * the calling thread, hashing at disk speed; call it once, in the background, after opening.
   */
  public Verification verifyFound(Consumer<Digest> verified) {
    long start = System.nanoTime();
    List<String> order;
    synchronized (this) {
      order = new ArrayList<>(unverified);
    }
    order.sort(Comparator.comparing(this::modifiedOrEpoch).reversed());
    int good = 0;
    int deleted = 0;
    long bytes = 0;
    int unreadable = 0;
    for (String hex : order) {
      if (Thread.currentThread().isInterrupted()) {
        break; // the daemon is stopping; the rest stays unverified
      }
      Digest digest = new Digest("sha256", hex);
      Path file = blobPath(digest);
      String actual;
      long size;
      try {
        if (!isUnverified(hex)) {
          continue; // replaced or deleted meanwhile
        }
        size = Files.size(file);
        actual = sha256Hex(file, false, HashedPrefix.NONE);
      } catch (NoSuchFileException e) {
        forgetUnverified(hex);
        continue;
      } catch (ClosedByInterruptException e) {
        break;
      } catch (IOException | RuntimeException e) {
        // Not a verdict on the content: it stays unverified (absent), and a fetch replaces it.
        unreadable++;
        log.atWarn()
            .addKeyValue("digest", digest)
            .log("blob store {}: cannot read a stored blob to verify it: {}", root, e.toString());
        continue;
      }
      bytes += size;
      boolean matches = actual.equals(hex);
      synchronized (this) {
        if (!unverified.remove(hex)) {
          continue; // a writer replaced it with a verified copy while we hashed
        }
        if (!matches) {
          try {
            Files.deleteIfExists(file);
          } catch (IOException e) {
            log.warn(
                "blob store {}: cannot delete damaged blob {}: {}", root, digest, e.toString());
          }
        }
      }
      if (matches) {
        good++;
        try {
          verified.accept(digest);
        } catch (RuntimeException e) {
          log.atWarn()
              .addKeyValue("digest", digest)
              .log("a listener for verified blobs failed: {}", e.toString());
        }
      } else {
        deleted++;
        log.atWarn()
            .addKeyValue("digest", digest)
            .log(
                "blob store {}: deleted a stored blob of {} bytes whose content does not match"
                    + " its digest (sha256 {}); it is fetched again when asked for",
                root,
                size,
                actual);
      }
    }
    Verification result = new Verification(good, deleted, bytes, System.nanoTime() - start);
    log.info(
        "blob store {}: re-verified {} blob(s) found at start, {} bytes in {} ms ({} MB/s), deleted"
            + " {} damaged, {} unreadable, {} left unverified",
        root,
        good,
        bytes,
        result.tookNanos() / 1_000_000,
        String.format(Locale.ROOT, "%.0f", result.megabytesPerSecond()),
        deleted,
        unreadable,
        unverifiedCount());
    return result;
  }

  private synchronized boolean isUnverified(Digest digest) {
    return unverified.contains(digest.hex());
  }

  private synchronized boolean isUnverified(String hex) {
    return unverified.contains(hex);
  }

  private synchronized void forgetUnverified(String hex) {
    unverified.remove(hex);
  }

  private FileTime modifiedOrEpoch(String hex) {
    try {
      return Files.getLastModifiedTime(blobs.resolve(hex), LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  /** The regular files named by 64 hex digits in {@code blobs/sha256}. */
  private List<Path> blobFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(blobs)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (HEX.matcher(name).matches() && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
          files.add(entry);
        }
      }
    }
    return files;
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
   * Renames a verified temp file, already forced to disk, to its blob path and forces the
   * directory, so the blob survives a power loss once this returns. When a verified blob is already
   * there (another writer of the same digest won), the content is the same by construction, so the
   * temp file is dropped; an unverified one is replaced.
   */
  private void publish(Path temp, Digest digest) throws IOException {
    Path target = blobPath(digest);
    synchronized (this) {
      boolean replacing = unverified.contains(digest.hex());
      if (!replacing && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        Files.deleteIfExists(temp);
        return;
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      unverified.remove(digest.hex());
    }
    sync.directory(blobs);
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

  /** Marks the blobs on disk unverified, and warns about entries that are not blobs. */
  private void findBlobs() throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(blobs)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (HEX.matcher(name).matches() && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
          synchronized (this) {
            unverified.add(name);
          }
        } else {
          log.warn(
              "blob store {}: ignoring {} in blobs/sha256/: not a regular file named by 64 hex digits",
              root,
              name.length() > 80 ? name.substring(0, 80) + "..." : name);
        }
      }
    }
  }

  /**
   * The file's sha256 in hex, going on from {@code prefix} when the file is at least that long (a
   * shorter file is hashed whole: it cannot hold the bytes the prefix vouches for); with {@code
   * force}, the whole file is forced to disk as well.
   */
  private String sha256Hex(Path file, boolean force, HashedPrefix prefix) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      MessageDigest sha256;
      if (prefix.length() > 0 && channel.size() >= prefix.length()) {
        sha256 = prefix.resume();
        channel.position(prefix.length());
      } else {
        sha256 = HashedPrefix.newSha256();
      }
      ByteBuffer buffer = ByteBuffer.allocateDirect(HASH_BUFFER_BYTES);
      while (channel.read(buffer) >= 0) {
        buffer.flip();
        sha256.update(buffer);
        buffer.clear();
      }
      if (force) {
        sync.file(channel);
      }
      return HexFormat.of().formatHex(sha256.digest());
    }
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
      sync.file(channel);
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
