package io.layerswarm.sim.kernel;

import java.util.Arrays;

/**
 * The pending timers, ordered by (time, sequence number): an indexed binary min-heap whose keys sit
 * in primitive arrays, so a comparison touches no timer object. Each timer knows its slot, so a
 * cancel or a move is O(log n) and a cancelled timer leaves the heap at once (no lazy deletion, no
 * compaction). Single-threaded.
 */
final class EventQueue {
  private long[] times = new long[64];
  private long[] seqs = new long[64];
  private Timer[] timers = new Timer[64];
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The earliest pending time; only when not empty. */
  long peekTime() {
    return times[0];
  }

  /** Removes and returns the earliest timer; only when not empty. */
  Timer poll() {
    Timer top = timers[0];
    top.index = -1;
    int last = --size;
    if (last > 0) {
      siftDown(0, times[last], seqs[last], timers[last]);
    }
    timers[last] = null;
    return top;
  }

  /** Inserts a timer that is not pending. */
  void add(Timer timer, long time, long seq) {
    if (size == times.length) {
      int capacity = size * 2;
      times = Arrays.copyOf(times, capacity);
      seqs = Arrays.copyOf(seqs, capacity);
      timers = Arrays.copyOf(timers, capacity);
    }
    timer.time = time;
    siftUp(size++, time, seq, timer);
  }

  /** Gives a pending timer a new key, in place. */
  void move(Timer timer, long time, long seq) {
    int i = timer.index;
    timer.time = time;
    if (i > 0 && less(time, seq, times[(i - 1) >>> 1], seqs[(i - 1) >>> 1])) {
      siftUp(i, time, seq, timer);
    } else {
      siftDown(i, time, seq, timer);
    }
  }

  /** Removes a pending timer. */
  void remove(Timer timer) {
    int i = timer.index;
    timer.index = -1;
    int last = --size;
    if (i != last) {
      long time = times[last];
      long seq = seqs[last];
      Timer moved = timers[last];
      if (i > 0 && less(time, seq, times[(i - 1) >>> 1], seqs[(i - 1) >>> 1])) {
        siftUp(i, time, seq, moved);
      } else {
        siftDown(i, time, seq, moved);
      }
    }
    timers[last] = null;
  }

  private static boolean less(long t1, long s1, long t2, long s2) {
    return t1 < t2 || (t1 == t2 && s1 < s2);
  }

  private void siftUp(int i, long time, long seq, Timer timer) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      long pt = times[parent];
      if (pt < time || (pt == time && seqs[parent] < seq)) {
        break;
      }
      place(i, pt, seqs[parent], timers[parent]);
      i = parent;
    }
    place(i, time, seq, timer);
  }

  private void siftDown(int i, long time, long seq, Timer timer) {
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      long ct = times[child];
      long cs = seqs[child];
      if (right < size) {
        long rt = times[right];
        if (rt < ct || (rt == ct && seqs[right] < cs)) {
          child = right;
          ct = rt;
          cs = seqs[right];
        }
      }
      if (time < ct || (time == ct && seq < cs)) {
        break;
      }
      place(i, ct, cs, timers[child]);
      i = child;
    }
    place(i, time, seq, timer);
  }

  private void place(int i, long time, long seq, Timer timer) {
    times[i] = time;
    seqs[i] = seq;
    timers[i] = timer;
    timer.index = i;
  }
}
