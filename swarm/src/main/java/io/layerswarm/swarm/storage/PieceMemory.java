package io.layerswarm.swarm.storage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The memory that pieces are assembled in, shared by every torrent of an engine: blocks are copied
 * into a heap array per piece as they arrive, and the whole piece is hashed and written from there
 * in one go. The budget bounds how many bytes of pieces are held at once (being downloaded, waiting
 * for the disk, or being hashed and written), so the engine's memory does not grow with the number
 * of torrents or the speed of the network.
 *
 * <p>A torrent may always hold one piece, even over the budget, so that no torrent is starved by
 * others; beyond that, a new piece is started only while the budget has room for it, and a torrent
 * that was refused is called back when memory is given back.
 *
 * <p>Arrays are recycled by size, so a steady download allocates nothing per piece: the pool keeps
 * as many as were ever needed at once (at most the budget plus one piece per torrent). Thread-safe:
 * torrents on different event loops share one instance.
 */
public final class PieceMemory {
  private final long budget;
  private long reserved;
  private long peak;

  /** Free arrays by length; their bytes count towards {@link #pooled}, not the budget. */
  private final Map<Integer, ArrayDeque<byte[]>> free = new HashMap<>();

  private long pooled;

  /** Bytes of the arrays handed out and not given up, and of those pooled. */
  private long held;

  /** Callbacks of those refused since memory was last given back. */
  private final Set<Runnable> waiting = new LinkedHashSet<>();

  /**
   * @param budget bytes of pieces held at once, beyond one piece per torrent
   */
  public PieceMemory(long budget) {
    if (budget < 0) {
      throw new IllegalArgumentException("piece memory budget must be >= 0: " + budget);
    }
    this.budget = budget;
  }

  /** Unbounded, for tests and tools. */
  public static PieceMemory unbounded() {
    return new PieceMemory(Long.MAX_VALUE);
  }

  public long budget() {
    return budget;
  }

  /**
   * Reserves {@code bytes} for a new piece if the budget has room, or unconditionally if {@code
   * first} (the torrent holds no piece yet). Returns whether it did; if not, {@code onRoom} runs
   * (once, on the thread that gives memory back, so it should only schedule work) the next time
   * memory is given back.
   */
  public synchronized boolean tryReserve(int bytes, boolean first, Runnable onRoom) {
    if (!first && reserved + bytes > budget) {
      waiting.add(onRoom);
      return false;
    }
    reserved += bytes;
    peak = Math.max(peak, reserved);
    return true;
  }

  /**
   * Gives back a reservation of {@link #tryReserve} and, if not null, the piece's array from {@link
   * #array} (see {@link #recycle}). Then calls back those refused since memory was last given back,
   * on this thread.
   */
  public void release(int bytes, byte[] array, boolean reuse) {
    if (array != null) {
      recycle(array, reuse);
    }
    release(bytes);
  }

  /**
   * Gives back a reservation of {@link #tryReserve}, then calls back those refused since memory was
   * last given back, on this thread.
   */
  public void release(int bytes) {
    List<Runnable> wake;
    synchronized (this) {
      reserved -= bytes;
      if (reserved < 0) {
        reserved += bytes;
        throw new IllegalStateException("piece memory released twice");
      }
      if (waiting.isEmpty()) {
        return;
      }
      wake = new ArrayList<>(waiting);
      waiting.clear();
    }
    wake.forEach(Runnable::run);
  }

  /**
   * Takes back an array from {@link #array}: for reuse if {@code reuse} and the arrays do not
   * exceed the most ever reserved at once (or the budget), else it is left to the garbage collector
   * (pass {@code reuse} false for an array something may still read).
   */
  public synchronized void recycle(byte[] array, boolean reuse) {
    if (reuse && held <= Math.max(budget, peak)) {
      free.computeIfAbsent(array.length, k -> new ArrayDeque<>()).push(array);
      pooled += array.length;
    } else {
      held -= array.length;
    }
  }

  /** An array of exactly {@code length} bytes for a reserved piece; contents are undefined. */
  public byte[] array(int length) {
    synchronized (this) {
      ArrayDeque<byte[]> arrays = free.get(length);
      byte[] a = arrays == null ? null : arrays.poll();
      if (a != null) {
        pooled -= length;
        return a;
      }
      held += length;
    }
    return new byte[length];
  }

  /** Bytes of arrays held: in use by pieces, or pooled for reuse. */
  public synchronized long arrayBytes() {
    return held;
  }

  /** Bytes reserved now. */
  public synchronized long reserved() {
    return reserved;
  }

  /** The most bytes reserved at once so far. */
  public synchronized long peak() {
    return peak;
  }
}
