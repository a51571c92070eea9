package io.layerswarm.swarm.storage;

import com.google.common.util.concurrent.MoreExecutors;
import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PieceIndex;
import io.layerswarm.core.metainfo.TorrentGeometry;
import io.netty.channel.FileRegion;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.BitSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bytes of one single-file torrent on disk.
 *
 * <p>A download assembles each piece in memory (see {@link PieceMemory}), and hands the whole piece
 * to {@link #writePiece}, which checks its SHA-1 (BEP 3) from memory and, if it matches, writes it
 * into the part file with one positional write and marks it verified. So nothing is read back,
 * unverified data never reaches the file, and the disk sees one write per piece rather than one per
 * 16 KiB block. When every piece is verified, {@link #finish} renames the part file to the final
 * file (atomically where the file system allows). A seed starts with every piece verified. Uploads
 * read verified pieces zero-copy with {@link #region}.
 *
 * <p>Threads: {@link #writePiece} and {@link #finish} run their work one at a time, in order, on
 * the given disk executor (one lane of a {@link DiskExecutor}, where urgent pieces go first), never
 * on the caller's thread, and complete their futures there. The verified set is guarded by a lock,
 * so {@link #isVerified}, {@link #region} and the streams of {@link #openStream} may be used from
 * any thread.
 */
public final class PieceStorage implements AutoCloseable {
  /** Largest single write; pieces are copied to a direct buffer of this size to be written. */
  private static final int STAGING_BUFFER = 1024 * 1024;

  private static final ThreadLocal<ByteBuffer> STAGING_BUFFERS =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(STAGING_BUFFER));
  private static final ThreadLocal<MessageDigest> SHA1 =
      ThreadLocal.withInitial(PieceStorage::sha1);

  private final Metainfo metainfo;
  private final TorrentGeometry geometry;
  private final FileChannel channel;
  private final Path partFile;
  private final Path finalFile;
  private final Executor disk;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final BitSet verified;
  private long verifiedBytes;
  private boolean complete;
  private boolean closed;
  private IOException failure;
  private final Set<PieceStream> streams = ConcurrentHashMap.newKeySet();

  /** Held while the part file is renamed and while a stream opens its own channel. */
  private final Object renameLock = new Object();

  private boolean renamed;

  private PieceStorage(
      Metainfo metainfo,
      FileChannel channel,
      Path partFile,
      Path finalFile,
      Executor disk,
      boolean seeding) {
    this.metainfo = metainfo;
    this.geometry = metainfo.geometry();
    this.channel = channel;
    this.partFile = partFile;
    this.finalFile = finalFile;
    // One torrent's disk work runs in order on one thread (see DiskExecutor).
    this.disk =
        disk instanceof DiskExecutor engineDisk
            ? engineDisk.lane()
            : MoreExecutors.newSequentialExecutor(disk);
    this.verified = new BitSet(geometry.pieceCount());
    if (seeding) {
      verified.set(0, geometry.pieceCount());
      verifiedBytes = geometry.length();
      complete = true;
    }
  }

  /**
   * Opens a complete file for seeding; every piece counts as verified (the caller vouches for the
   * content). Fails if the file's size differs from the metainfo's length.
   */
  public static PieceStorage seed(Metainfo metainfo, Path file, Executor disk) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    try {
      if (channel.size() != metainfo.length()) {
        throw new StorageException(
            "cannot seed "
                + file
                + ": it has "
                + channel.size()
                + " bytes but torrent "
                + metainfo.infoHash()
                + " has "
                + metainfo.length());
      }
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    return new PieceStorage(metainfo, channel, file, file, disk, true);
  }

  /**
   * Opens (creating or truncating) {@code partFile} for a download that will be renamed to {@code
   * finalFile}. Parent directories are created.
   */
  public static PieceStorage download(
      Metainfo metainfo, Path partFile, Path finalFile, Executor disk) throws IOException {
    createParent(partFile);
    FileChannel channel =
        FileChannel.open(
            partFile,
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
    return new PieceStorage(metainfo, channel, partFile, finalFile, disk, false);
  }

  public TorrentGeometry geometry() {
    return geometry;
  }

  /**
   * Checks the SHA-1 of piece {@code piece}, whose bytes are the first {@code
   * geometry().pieceSize(piece)} of {@code data}, and if it matches writes them at the piece's
   * position and marks the piece verified. Completes with whether it matched, after the write. The
   * caller must not change {@code data} until then.
   *
   * @param urgent whether a reader is waiting for this piece: on a {@link DiskExecutor} it goes
   *     before other pieces
   */
  public CompletableFuture<Boolean> writePiece(PieceIndex piece, byte[] data, boolean urgent) {
    int index = piece.value();
    if (index >= geometry.pieceCount() || data.length < geometry.pieceSize(index)) {
      return CompletableFuture.failedFuture(
          new StorageException(
              "piece "
                  + piece
                  + " of "
                  + data.length
                  + " bytes does not fit torrent "
                  + metainfo.infoHash()));
    }
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    try {
      DiskExecutor.execute(disk, () -> hashAndWrite(index, data, done), urgent);
    } catch (RuntimeException e) {
      done.completeExceptionally(
          new StorageException("cannot queue piece " + index + " of " + metainfo.infoHash(), e));
    }
    return done;
  }

  /** Disk thread: the work of {@link #writePiece}. */
  private void hashAndWrite(int index, byte[] data, CompletableFuture<Boolean> done) {
    try {
      int size = geometry.pieceSize(index);
      MessageDigest sha1 = SHA1.get();
      sha1.reset();
      sha1.update(data, 0, size);
      if (!MessageDigest.isEqual(sha1.digest(), metainfo.pieceHash(index))) {
        done.complete(false);
        return;
      }
      long position = geometry.pieceOffset(index);
      ByteBuffer staging = STAGING_BUFFERS.get();
      for (int off = 0; off < size; ) {
        int n = Math.min(staging.capacity(), size - off);
        staging.clear();
        staging.put(data, off, n).flip();
        while (staging.hasRemaining()) {
          channel.write(staging, position + off + staging.position());
        }
        off += n;
      }
      markVerified(index);
      done.complete(true);
    } catch (IOException | RuntimeException e) {
      done.completeExceptionally(
          new StorageException(
              "cannot write piece " + index + " of " + metainfo.infoHash() + " to " + partFile, e));
    }
  }

  private void markVerified(int index) {
    lock.lock();
    try {
      if (!verified.get(index)) {
        verified.set(index);
        verifiedBytes += geometry.pieceSize(index);
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Once every piece is verified: moves the part file to the final file (atomic rename where the
   * file system supports it) and completes with the final path. The open channel keeps working for
   * uploads, as a rename does not change the inode.
   */
  public CompletableFuture<Path> finish() {
    CompletableFuture<Path> done = new CompletableFuture<>();
    disk.execute(
        () -> {
          try {
            if (!isComplete()) {
              throw new StorageException("torrent " + metainfo.infoHash() + " is not complete");
            }
            if (!partFile.equals(finalFile)) {
              createParent(finalFile);
              synchronized (renameLock) {
                try {
                  Files.move(
                      partFile,
                      finalFile,
                      StandardCopyOption.ATOMIC_MOVE,
                      StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                  Files.move(partFile, finalFile, StandardCopyOption.REPLACE_EXISTING);
                }
                renamed = true;
              }
            }
            done.complete(finalFile);
          } catch (StorageException e) {
            done.completeExceptionally(e);
          } catch (IOException | RuntimeException e) {
            done.completeExceptionally(
                new StorageException("cannot move " + partFile + " to " + finalFile, e));
          }
        });
    return done;
  }

  /** Whether {@code piece} has been verified. Any thread. */
  public boolean isVerified(PieceIndex piece) {
    lock.lock();
    try {
      return verified.get(piece.value());
    } finally {
      lock.unlock();
    }
  }

  /** A copy of the verified pieces. Any thread. */
  public BitSet verified() {
    lock.lock();
    try {
      return (BitSet) verified.clone();
    } finally {
      lock.unlock();
    }
  }

  /** Bytes in verified pieces. Any thread. */
  public long verifiedBytes() {
    lock.lock();
    try {
      return verifiedBytes;
    } finally {
      lock.unlock();
    }
  }

  /** Whether every piece is verified. Any thread. */
  public boolean isComplete() {
    lock.lock();
    try {
      return complete || verified.cardinality() == geometry.pieceCount();
    } finally {
      lock.unlock();
    }
  }

  /**
   * A zero-copy view of a block of a verified piece, for a {@link
   * io.layerswarm.swarm.wire.PeerMessage.FileBlock}. The caller owns the returned reference.
   *
   * @throws IllegalStateException if the piece is not verified or the block is out of range
   */
  public FileRegion region(BlockRef block) {
    if (!geometry.contains(block) || !isVerified(block.piece())) {
      throw new IllegalStateException("block " + block + " is not available");
    }
    long position = geometry.pieceOffset(block.piece().value()) + block.offset();
    return new SharedFileRegion(channel, position, block.length());
  }

  /**
   * A stream of the file's bytes from {@code offset}, returning only verified bytes: a read blocks
   * until the piece holding the next byte is verified, and fails with an IOException once the
   * storage is closed or failed. Closing the stream does not affect the torrent.
   */
  public InputStream openStream(long offset) {
    if (offset < 0 || offset > geometry.length()) {
      throw new IllegalArgumentException(
          "offset " + offset + " is outside [0, " + geometry.length() + "]");
    }
    PieceStream stream = new PieceStream(offset);
    streams.add(stream);
    return stream;
  }

  /**
   * The lowest position of any open stream, or -1 if none: the picker fetches the pieces just ahead
   * of it first. Any thread.
   */
  public long readerPosition() {
    long min = -1;
    for (PieceStream s : streams) {
      long p = s.position;
      if (p < geometry.length() && (min < 0 || p < min)) {
        min = p;
      }
    }
    return min;
  }

  /** Marks the storage failed: blocked and later stream reads throw {@code cause}. */
  public void fail(IOException cause) {
    lock.lock();
    try {
      if (failure == null) {
        failure = cause;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Closes the file. Streams still waiting for pieces fail. The files stay on disk. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    // Close on the disk executor, after the pieces already queued.
    disk.execute(
        () -> {
          try {
            channel.close();
          } catch (IOException ignored) {
            // Nothing to do: the torrent is gone.
          }
        });
  }

  private static void createParent(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
  }

  private static MessageDigest sha1() {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1", e);
    }
  }

  /**
   * Reads verified bytes in order. Used by one reader thread at a time. It reads through its own
   * file channel, because interrupting a thread in a FileChannel read closes that channel, and the
   * reader's thread must not be able to close the channel the torrent writes and uploads with.
   */
  private final class PieceStream extends InputStream {
    private volatile long position;
    private boolean streamClosed;
    private FileChannel file;

    PieceStream(long position) {
      this.position = position;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (streamClosed) {
        throw new IOException("stream closed");
      }
      if (position >= geometry.length()) {
        return -1;
      }
      if (len == 0) {
        return 0;
      }
      int piece = geometry.pieceAt(position);
      awaitVerified(piece);
      // Read up to the end of the verified run that starts at this piece.
      long end = availableEnd(piece);
      int want = (int) Math.min(len, end - position);
      ByteBuffer target = ByteBuffer.wrap(b, off, want);
      try {
        FileChannel file = file();
        while (target.hasRemaining()) {
          int n = file.read(target, position + target.position() - off);
          if (n < 0) {
            throw new StorageException("file ended early at " + position);
          }
        }
      } catch (ClosedChannelException e) {
        throw new StorageException("stream of " + metainfo.infoHash() + " was closed", e);
      }
      position += want;
      return want;
    }

    private FileChannel file() throws IOException {
      if (file == null) {
        synchronized (renameLock) {
          file = FileChannel.open(renamed ? finalFile : partFile, StandardOpenOption.READ);
        }
      }
      return file;
    }

    private void awaitVerified(int piece) throws IOException {
      lock.lock();
      try {
        while (!verified.get(piece)) {
          if (failure != null) {
            throw new StorageException("torrent " + metainfo.infoHash() + " failed", failure);
          }
          if (closed) {
            throw new StorageException("torrent " + metainfo.infoHash() + " was removed");
          }
          changed.await();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted waiting for piece " + piece);
      } finally {
        lock.unlock();
      }
    }

    private long availableEnd(int piece) {
      lock.lock();
      try {
        int next = verified.nextClearBit(piece);
        return next >= geometry.pieceCount() ? geometry.length() : geometry.pieceOffset(next);
      } finally {
        lock.unlock();
      }
    }

    @Override
    public int available() {
      long p = position;
      if (p >= geometry.length()) {
        return 0;
      }
      int piece = geometry.pieceAt(p);
      if (!isVerified(new PieceIndex(piece))) {
        return 0;
      }
      return (int) Math.min(Integer.MAX_VALUE, availableEnd(piece) - p);
    }

    @Override
    public void close() throws IOException {
      streamClosed = true;
      streams.remove(this);
      if (file != null) {
        file.close();
      }
    }
  }
}
