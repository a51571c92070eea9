package io.layerswarm.swarm.storage;

import com.google.common.util.concurrent.MoreExecutors;
import io.layerswarm.swarm.metainfo.BlockRef;
import io.layerswarm.swarm.metainfo.Metainfo;
import io.layerswarm.swarm.metainfo.PieceIndex;
import io.layerswarm.swarm.metainfo.TorrentGeometry;
import io.netty.buffer.ByteBuf;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bytes of one single-file torrent on disk.
 *
 * <p>A download writes blocks with positional writes into a part file, verifies each complete
 * piece against its SHA-1 (BEP 3), and when every piece is verified renames the part file to the
 * final file (atomically where the file system allows). A seed starts with every piece verified.
 * Uploads read verified pieces zero-copy with {@link #region}.
 *
 * <p>Threads: {@link #write}, {@link #verify} and {@link #finish} run their file I/O in order on a
 * sequential view of the given disk executor, never on the caller's thread, and complete their
 * futures there. The verified set is guarded by a lock, so {@link #isVerified}, {@link #region}
 * and the streams of {@link #openStream} may be used from any thread.
 */
public final class PieceStorage implements AutoCloseable {
  private static final int HASH_BUFFER = 1024 * 1024;
  private static final ThreadLocal<ByteBuffer> HASH_BUFFERS =
      ThreadLocal.withInitial(() -> ByteBuffer.allocate(HASH_BUFFER));
  /** Largest coalesced write. */
  private static final int STAGING_BUFFER = 1024 * 1024;
  private static final ThreadLocal<ByteBuffer> STAGING_BUFFERS =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(STAGING_BUFFER));

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
  private final Queue<PendingWrite> writes = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  /** Running hashes of pieces being written; owned by the disk executor. */
  private final Map<Integer, PieceHasher> hashers = new HashMap<>();
  /** Held while the part file is renamed and while a stream opens its own channel. */
  private final Object renameLock = new Object();
  private boolean renamed;

  private PieceStorage(Metainfo metainfo, FileChannel channel, Path partFile, Path finalFile,
      Executor disk, boolean seeding) {
    this.metainfo = metainfo;
    this.geometry = metainfo.geometry();
    this.channel = channel;
    this.partFile = partFile;
    this.finalFile = finalFile;
    this.disk = MoreExecutors.newSequentialExecutor(disk);
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
        throw new StorageException("cannot seed " + file + ": it has " + channel.size()
            + " bytes but torrent " + metainfo.infoHash() + " has " + metainfo.length());
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
  public static PieceStorage download(Metainfo metainfo, Path partFile, Path finalFile,
      Executor disk) throws IOException {
    createParent(partFile);
    FileChannel channel = FileChannel.open(partFile, StandardOpenOption.CREATE,
        StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    return new PieceStorage(metainfo, channel, partFile, finalFile, disk, false);
  }

  public TorrentGeometry geometry() {
    return geometry;
  }

  /**
   * Writes {@code data} (exactly {@code block.length()} bytes) at the block's position and
   * releases it. Takes ownership of one reference to {@code data}, even when it fails.
   *
   * <p>Blocks queue up and the disk thread writes each run of contiguous blocks with one
   * positional write (16 KiB writes cost more than twice as much as 1 MiB ones). Blocks that
   * arrive in order from the start of their piece are hashed on the way, so {@link #verify}
   * need not read them back.
   */
  public CompletableFuture<Void> write(BlockRef block, ByteBuf data) {
    Objects.requireNonNull(block, "block");
    if (!geometry.contains(block) || data.readableBytes() != block.length()) {
      data.release();
      return CompletableFuture.failedFuture(new StorageException("block " + block
          + " does not fit torrent " + metainfo.infoHash()));
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    long position = geometry.pieceOffset(block.piece().value()) + block.offset();
    writes.add(new PendingWrite(block, position, data, done));
    if (drainScheduled.compareAndSet(false, true)) {
      try {
        disk.execute(this::drainWrites);
      } catch (RuntimeException e) {
        drainScheduled.set(false);
        failPending(e);
      }
    }
    return done;
  }

  /** Disk thread: writes every queued block, coalescing contiguous runs. */
  private void drainWrites() {
    // Cleared before polling: a block queued after the poll schedules a new drain, which runs
    // before any verify submitted after that block.
    drainScheduled.set(false);
    List<PendingWrite> batch = new ArrayList<>();
    for (PendingWrite w; (w = writes.poll()) != null; ) {
      batch.add(w);
    }
    ByteBuffer staging = STAGING_BUFFERS.get();
    int i = 0;
    while (i < batch.size()) {
      staging.clear();
      long start = batch.get(i).position;
      long next = start;
      int j = i;
      while (j < batch.size() && batch.get(j).position == next
          && batch.get(j).block.length() <= staging.remaining()) {
        PendingWrite w = batch.get(j);
        hashInOrder(w);
        ByteBuf data = w.data;
        staging.put(data.nioBuffer(data.readerIndex(), data.readableBytes()));
        next += w.block.length();
        j++;
      }
      try {
        if (j == i) {
          throw new StorageException("block " + batch.get(i).block + " exceeds the staging buffer");
        }
        staging.flip();
        while (staging.hasRemaining()) {
          channel.write(staging, start + staging.position());
        }
        for (int k = i; k < j; k++) {
          batch.get(k).done.complete(null);
        }
      } catch (IOException | RuntimeException e) {
        for (int k = i; k < Math.max(j, i + 1); k++) {
          PendingWrite w = batch.get(k);
          w.done.completeExceptionally(new StorageException("cannot write " + w.block + " of "
              + metainfo.infoHash() + " to " + partFile, e));
        }
        j = Math.max(j, i + 1);
      } finally {
        for (int k = i; k < j; k++) {
          batch.get(k).data.release();
        }
      }
      i = j;
    }
  }

  /** Disk thread: feeds a block to its piece's running SHA-1 if it continues the piece in order. */
  private void hashInOrder(PendingWrite w) {
    int piece = w.block.piece().value();
    PieceHasher hasher = hashers.computeIfAbsent(piece, k -> new PieceHasher());
    if (!hasher.broken && w.block.offset() == hasher.next) {
      hasher.sha1.update(w.data.nioBuffer(w.data.readerIndex(), w.data.readableBytes()));
      hasher.next += w.block.length();
    } else {
      hasher.broken = true; // Out of order: verify reads the piece back instead.
    }
  }

  private void failPending(Throwable cause) {
    for (PendingWrite w; (w = writes.poll()) != null; ) {
      w.data.release();
      w.done.completeExceptionally(cause);
    }
  }

  /**
   * Checks the SHA-1 of piece {@code piece} (after every write submitted before this call) and,
   * if it matches, marks it verified. Completes with whether it matched.
   */
  public CompletableFuture<Boolean> verify(PieceIndex piece) {
    int index = piece.value();
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    disk.execute(() -> {
      try {
        PieceHasher hasher = hashers.remove(index);
        byte[] digest = hasher != null && !hasher.broken && hasher.next == geometry.pieceSize(index)
            ? hasher.sha1.digest() : hash(index);
        boolean ok = Arrays.equals(digest, metainfo.pieceHash(index));
        if (ok) {
          markVerified(index);
        }
        done.complete(ok);
      } catch (IOException | RuntimeException e) {
        done.completeExceptionally(new StorageException("cannot verify piece " + index + " of "
            + metainfo.infoHash(), e));
      }
    });
    return done;
  }

  private byte[] hash(int index) throws IOException {
    MessageDigest sha1 = sha1();
    ByteBuffer buffer = HASH_BUFFERS.get();
    long position = geometry.pieceOffset(index);
    long end = position + geometry.pieceSize(index);
    while (position < end) {
      buffer.clear();
      buffer.limit((int) Math.min(buffer.capacity(), end - position));
      int read = channel.read(buffer, position);
      if (read < 0) {
        break; // A sparse hole at the end: the hash will not match.
      }
      position += read;
      buffer.flip();
      sha1.update(buffer);
    }
    return sha1.digest();
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
   * file system supports it) and completes with the final path. The open channel keeps working
   * for uploads, as a rename does not change the inode.
   */
  public CompletableFuture<Path> finish() {
    CompletableFuture<Path> done = new CompletableFuture<>();
    disk.execute(() -> {
      try {
        if (!isComplete()) {
          throw new StorageException("torrent " + metainfo.infoHash() + " is not complete");
        }
        if (!partFile.equals(finalFile)) {
          createParent(finalFile);
          synchronized (renameLock) {
            try {
              Files.move(partFile, finalFile, StandardCopyOption.ATOMIC_MOVE,
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
        done.completeExceptionally(new StorageException("cannot move " + partFile + " to "
            + finalFile, e));
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
      throw new IllegalArgumentException("offset " + offset + " is outside [0, "
          + geometry.length() + "]");
    }
    PieceStream stream = new PieceStream(offset);
    streams.add(stream);
    return stream;
  }

  /**
   * The lowest position of any open stream, or -1 if none: the picker fetches the pieces just
   * ahead of it first. Any thread.
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
    // Close on the disk executor, after the writes already queued.
    disk.execute(() -> {
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

  private record PendingWrite(BlockRef block, long position, ByteBuf data,
      CompletableFuture<Void> done) {}

  /** The SHA-1 of a piece's bytes written so far, while they arrive in order. */
  private static final class PieceHasher {
    final MessageDigest sha1 = PieceStorage.sha1();
    long next;
    boolean broken;
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
