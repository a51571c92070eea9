package io.layerswarm.sim.net;

import java.util.Arrays;

/**
 * A FIFO of messages in parallel arrays (a number per message, its handler and its payload), so a
 * message costs no allocation of its own. Single-threaded.
 */
final class MessageRing {
  /** The payload of a message whose handler is a plain {@link Runnable}. */
  static final Object NO_PAYLOAD = new Object();

  private long[] sizes = new long[8];
  private long[] times = new long[8];
  private Object[] handlers = new Object[8];
  private Object[] payloads = new Object[8];
  private int head;
  private int count;

  int size() {
    return count;
  }

  boolean isEmpty() {
    return count == 0;
  }

  void add(long size, long time, Object handler, Object payload) {
    if (count == sizes.length) {
      grow();
    }
    int i = (head + count) & (sizes.length - 1);
    sizes[i] = size;
    times[i] = time;
    handlers[i] = handler;
    payloads[i] = payload;
    count++;
  }

  long headSize() {
    return sizes[head];
  }

  /** The size of the message {@code i} places behind the head. */
  long sizeAt(int i) {
    return sizes[(head + i) & (sizes.length - 1)];
  }

  long headTime() {
    return times[head];
  }

  Object headHandler() {
    return handlers[head];
  }

  Object headPayload() {
    return payloads[head];
  }

  /** Drops the head message. */
  void removeHead() {
    handlers[head] = null;
    payloads[head] = null;
    head = (head + 1) & (sizes.length - 1);
    count--;
  }

  void clear() {
    Arrays.fill(handlers, null);
    Arrays.fill(payloads, null);
    head = 0;
    count = 0;
  }

  private void grow() {
    int n = sizes.length;
    sizes = unroll(sizes, n);
    times = unroll(times, n);
    handlers = unroll(handlers, n);
    payloads = unroll(payloads, n);
    head = 0;
  }

  private long[] unroll(long[] a, int n) {
    long[] b = new long[n * 2];
    System.arraycopy(a, head, b, 0, n - head);
    System.arraycopy(a, 0, b, n - head, head);
    return b;
  }

  private Object[] unroll(Object[] a, int n) {
    Object[] b = new Object[n * 2];
    System.arraycopy(a, head, b, 0, n - head);
    System.arraycopy(a, 0, b, n - head, head);
    return b;
  }

  @SuppressWarnings("unchecked")
  static void deliver(Object handler, Object payload) {
    if (payload == NO_PAYLOAD) {
      ((Runnable) handler).run();
    } else {
      ((java.util.function.Consumer<Object>) handler).accept(payload);
    }
  }
}
