package io.layerswarm.seeder.store;

import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.MetainfoException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link MetainfoStore} with one file per digest, {@code <dir>/<hex>.torrent}, holding the exact
 * .torrent bytes. Writes go to a temporary file in the same directory that is renamed into place,
 * so a crash leaves the old entry or the new one, never half of one. Thread-safe.
 */
public final class FileMetainfoStore implements MetainfoStore {
  private static final Logger log = LoggerFactory.getLogger(FileMetainfoStore.class);
  private static final String SUFFIX = ".torrent";
  private static final String TEMP_MARKER = ".torrent.tmp-";
  private static final Pattern ENTRY = Pattern.compile("([a-f0-9]{64})\\.torrent");

  private final Path dir;

  private FileMetainfoStore(Path dir) {
    this.dir = dir;
  }

  /**
   * Opens (creating it if needed) the store in {@code dir} and deletes temporary files that a
   * crashed write left behind.
   */
  public static FileMetainfoStore open(Path dir) throws IOException {
    Files.createDirectories(dir);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + TEMP_MARKER + "*")) {
      for (Path leftover : files) {
        log.info("deleting unfinished metainfo write {}", leftover);
        Files.deleteIfExists(leftover);
      }
    }
    return new FileMetainfoStore(dir);
  }

  public Path directory() {
    return dir;
  }

  /** Where the entry of {@code digest} lives (it may not exist). */
  public Path pathOf(Digest digest) {
    return dir.resolve(digest.hex() + SUFFIX);
  }

  @Override
  public Optional<Metainfo> get(Digest digest) throws IOException, MetainfoException {
    byte[] encoded;
    try {
      encoded = Files.readAllBytes(pathOf(digest));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      return Optional.of(Metainfo.parse(encoded));
    } catch (MetainfoException e) {
      throw new MetainfoException("read metainfo of " + digest + " from " + pathOf(digest), e);
    }
  }

  @Override
  public void put(Digest digest, Metainfo metainfo) throws IOException {
    Path target = pathOf(digest);
    Path temp = dir.resolve(digest.hex() + TEMP_MARKER + UUID.randomUUID());
    try {
      try (FileChannel channel =
          FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(metainfo.encode());
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
        channel.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      throw new IOException("write metainfo of " + digest + " to " + target + ": " + e, e);
    }
  }

  @Override
  public void delete(Digest digest) throws IOException {
    Files.deleteIfExists(pathOf(digest));
  }

  /** Digests with an entry; other files in the directory are skipped with a warning. */
  @Override
  public Set<Digest> list() throws IOException {
    Set<Digest> digests = new HashSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (name.contains(TEMP_MARKER)) {
          continue; // a write in progress
        }
        Matcher entry = ENTRY.matcher(name);
        if (entry.matches() && Files.isRegularFile(file)) {
          digests.add(new Digest("sha256", entry.group(1)));
        } else {
          log.warn("ignoring {} in the metainfo directory: not named <sha256 hex>.torrent", file);
        }
      }
    }
    return Set.copyOf(digests);
  }
}
