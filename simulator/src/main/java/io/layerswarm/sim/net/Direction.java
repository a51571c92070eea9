package io.layerswarm.sim.net;

import io.layerswarm.sim.kernel.Timer;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One direction of a {@link Connection}: a FIFO byte stream from its sender to its receiver.
 *
 * <p>A message of {@code n} bytes waits behind the messages sent before it, is transmitted at the
 * direction's max-min fair rate (which changes whenever the set of active flows does), and is
 * delivered when its last byte has been transmitted plus the path's one-way latency. The direction
 * is an active flow exactly while it has bytes not yet transmitted. Messages are never split into
 * smaller units, and a message costs one event, its delivery, whatever its size: transmissions that
 * end while the rate stays the same are accounted lazily, at the next event of the direction (a
 * delivery, a rate change, a send, the flow draining).
 *
 * <p>{@link NetworkOptions#expressBytes() Small} messages that start on an idle direction are sent
 * express: at an estimate of their fair share, without joining the max-min solver, and count as
 * sent at once.
 *
 * <p>Bytes count as sent when a message's last byte is transmitted and as delivered when it is
 * delivered. When the connection closes, messages not yet delivered are dropped and never counted
 * as delivered. Used on the simulation's thread only.
 */
public final class Direction implements Flow.RateListener {
  private final Network network;
  private final Connection connection;
  private final Host sender;
  private final Host receiver;
  private final long latencyNanos;
  final Flow flow;

  /** Messages not yet fully transmitted; while the flow is attached, the head is on the wire. */
  private final MessageRing queue = new MessageRing();

  /** Messages transmitted, with their delivery times, oldest first. */
  private final MessageRing inFlight = new MessageRing();

  /** The direction's next event: a delivery, the flow draining, or an express send ending. */
  private final Timer wake;

  /** Bytes of the head message still to send, as of {@link #lastSettle}; valid while attached. */
  private double headRemaining;

  private long lastSettle;

  /** When the last express transmission ends; the next message waits for it. */
  private long busyUntil;

  private long queuedBytes;
  private long bytesSent;
  private long bytesDelivered;
  private boolean closed;

  Direction(
      Network network,
      Connection connection,
      Host sender,
      Host receiver,
      Resource[] path,
      long latencyNanos) {
    this.network = network;
    this.connection = connection;
    this.sender = sender;
    this.receiver = receiver;
    this.latencyNanos = latencyNanos;
    this.flow = new Flow(path, this);
    this.wake = network.simulation().timer(this::onWake);
  }

  public Connection connection() {
    return connection;
  }

  public Host sender() {
    return sender;
  }

  public Host receiver() {
    return receiver;
  }

  /** The path's one-way latency, in nanoseconds, added once to every message. */
  public long latencyNanos() {
    return latencyNanos;
  }

  /**
   * Queues a message of {@code bytes} bytes; {@code onDelivered} runs when it is delivered.
   *
   * @throws IllegalArgumentException if {@code bytes < 1}
   * @throws IllegalStateException if the connection is closed
   */
  public void send(long bytes, Runnable onDelivered) {
    enqueue(bytes, Objects.requireNonNull(onDelivered, "onDelivered"), MessageRing.NO_PAYLOAD);
  }

  /**
   * Queues a message of {@code bytes} bytes carrying {@code message}; {@code receiver} gets it when
   * it is delivered. With a long-lived receiver and an existing message object this costs no
   * allocation per message.
   *
   * @throws IllegalArgumentException if {@code bytes < 1}
   * @throws IllegalStateException if the connection is closed
   */
  public <T> void send(long bytes, Consumer<? super T> receiver, T message) {
    enqueue(
        bytes,
        Objects.requireNonNull(receiver, "receiver"),
        Objects.requireNonNull(message, "message"));
  }

  /** True while this direction has bytes not yet transmitted, i.e. it is sending. */
  public boolean isActive() {
    return queuedMessages() > 0 || network.simulation().nowNanos() < busyUntil;
  }

  /** Messages not yet fully transmitted, the one in transmission included. */
  public int queuedMessages() {
    return queue.size() - (int) transmittedSinceSettle(true);
  }

  /** Bytes of the messages not yet fully transmitted, the one in transmission counted whole. */
  public long queuedBytes() {
    return queuedBytes - transmittedSinceSettle(false);
  }

  /** Messages transmitted and not yet delivered (on the wire for the latency). */
  public int messagesInFlight() {
    return inFlight.size() + (int) transmittedSinceSettle(true);
  }

  /** Bytes of every message fully transmitted on this direction. */
  public long bytesSent() {
    return bytesSent + transmittedSinceSettle(false);
  }

  /** Bytes transmitted by now but not yet accounted (see {@link #advance}). */
  long pendingSentBytes() {
    return transmittedSinceSettle(false);
  }

  /** Bytes of every message delivered on this direction. */
  public long bytesDelivered() {
    return bytesDelivered;
  }

  /**
   * The current transmission rate in bits per second: the max-min fair share, 0 while idle or
   * sending express (and, within the instant a flow starts, until the network recomputes rates).
   */
  public double rateBitsPerSecond() {
    return flow.rate * 8 * Resource.NANOS_PER_SECOND;
  }

  private void enqueue(long bytes, Object handler, Object payload) {
    if (bytes < 1) {
      throw new IllegalArgumentException("a message must have at least 1 byte: " + bytes);
    }
    if (closed) {
      throw new IllegalStateException(
          "cannot send on a closed connection " + sender + " -> " + receiver);
    }
    long now = network.simulation().nowNanos();
    if (flow.attached) {
      // It rides the flow whatever its size, so a busy direction never churns. Transmissions
      // that ended are accounted first, so that one ending right now does not count as a drain.
      advance(now);
      if (queue.isEmpty()) {
        // Drained right now, still attached: this message is the head, from now.
        headRemaining = bytes;
        lastSettle = now;
      }
      queue.add(bytes, 0, handler, payload);
      queuedBytes += bytes;
    } else {
      queue.add(bytes, 0, handler, payload);
      queuedBytes += bytes;
      if (queue.size() == 1) {
        pump(now);
      }
    }
    rearm();
  }

  /**
   * Starts queued messages on a detached direction: express ones at once, the first big one as a
   * flow.
   */
  private void pump(long now) {
    long expressBytes = network.options().expressBytes();
    while (!queue.isEmpty() && now >= busyUntil) {
      long size = queue.headSize();
      if (size > expressBytes) {
        headRemaining = size;
        lastSettle = now;
        network.attach(flow);
        return;
      }
      busyUntil = now + transmitNanos(size, expressRate());
      transmitHead(busyUntil);
    }
  }

  /**
   * The share an express message would get if it joined: the lowest capacity / (flows + 1) on its
   * path. Its exact max-min rate is at least that, as long as no other flow starts meanwhile.
   */
  private double expressRate() {
    double rate = Double.POSITIVE_INFINITY;
    for (Resource r : flow.path) {
      rate = Math.min(rate, r.capacity / (r.flowCount + 1));
    }
    return rate;
  }

  /**
   * Moves every message whose transmission ended by {@code now} at the current rate to the
   * in-flight queue, with its exact end time. Leaves the head's progress as of its start, so that
   * the result does not depend on how often this runs.
   */
  private void advance(long now) {
    double rate = flow.rate;
    if (!flow.attached || rate <= 0) {
      return;
    }
    while (!queue.isEmpty()) {
      long end = lastSettle + transmitNanos(headRemaining, rate);
      if (end > now) {
        return;
      }
      transmitHead(end);
      lastSettle = end;
      if (!queue.isEmpty()) {
        headRemaining = queue.headSize();
      }
    }
  }

  /** Bytes (or messages) of queued messages whose transmission ended by now; changes nothing. */
  private long transmittedSinceSettle(boolean countMessages) {
    double rate = flow.rate;
    if (!flow.attached || rate <= 0 || queue.isEmpty()) {
      return 0;
    }
    long now = network.simulation().nowNanos();
    long t = lastSettle;
    double remaining = headRemaining;
    long total = 0;
    for (int i = 0; i < queue.size(); i++) {
      t += transmitNanos(remaining, rate);
      if (t > now) {
        break;
      }
      total += countMessages ? 1 : queue.sizeAt(i);
      if (i + 1 < queue.size()) {
        remaining = queue.sizeAt(i + 1);
      }
    }
    return total;
  }

  /** The head message's last byte left at {@code end}: it is in flight until end + latency. */
  private void transmitHead(long end) {
    long size = queue.headSize();
    inFlight.add(size, end + latencyNanos, queue.headHandler(), queue.headPayload());
    queue.removeHead();
    queuedBytes -= size;
    bytesSent += size;
    sender.bytesSent += size;
  }

  @Override
  public void rateChanged(Flow f, double oldRate) {
    long now = network.simulation().nowNanos();
    if (oldRate > 0) {
      // Account at the old rate up to now, then go on from here at the new one.
      double newRate = f.rate;
      f.rate = oldRate;
      advance(now);
      f.rate = newRate;
      if (!queue.isEmpty()) {
        headRemaining = Math.max(0, headRemaining - oldRate * (now - lastSettle));
      }
    }
    lastSettle = now;
    rearm();
  }

  /** Arms the wake-up timer at the direction's next event, if it moved. */
  private void rearm() {
    long next = Long.MAX_VALUE;
    if (!inFlight.isEmpty()) {
      next = inFlight.headTime();
    }
    if (flow.attached) {
      double rate = flow.rate;
      if (queue.isEmpty()) {
        // Drained exactly at a rate change: detach at the next event of this instant.
        next = network.simulation().nowNanos();
      } else if (rate > 0) {
        long headEnd = lastSettle + transmitNanos(headRemaining, rate);
        if (inFlight.isEmpty()) {
          next = Math.min(next, headEnd + latencyNanos);
        }
        // When the queue drains; a sum of rounded-up times is never earlier than this.
        long rest = queuedBytes - queue.headSize();
        next = Math.min(next, rest > 0 ? headEnd + transmitNanos(rest, rate) : headEnd);
      }
    } else if (!queue.isEmpty()) {
      next = Math.min(next, busyUntil);
    }
    if (next == Long.MAX_VALUE) {
      wake.cancel();
    } else if (!wake.isPending() || wake.timeNanos() != next) {
      wake.rescheduleAt(next);
    }
  }

  private void onWake() {
    long now = network.simulation().nowNanos();
    advance(now);
    if (flow.attached && queue.isEmpty()) {
      network.detach(flow);
    } else if (!flow.attached) {
      pump(now);
    }
    Object handler = null;
    Object payload = null;
    if (!inFlight.isEmpty() && inFlight.headTime() <= now) {
      long size = inFlight.headSize();
      handler = inFlight.headHandler();
      payload = inFlight.headPayload();
      inFlight.removeHead();
      bytesDelivered += size;
      receiver.bytesReceived += size;
    }
    rearm();
    if (handler != null) {
      MessageRing.deliver(handler, payload);
    }
  }

  /** Whole nanoseconds to send {@code bytes} at {@code rate} bytes/ns, rounded up. */
  private static long transmitNanos(double bytes, double rate) {
    double nanos = Math.ceil(bytes / rate);
    return nanos >= 0x1p62 ? 1L << 62 : (long) nanos;
  }

  void shutdown() {
    advance(network.simulation().nowNanos());
    closed = true;
    network.detach(flow);
    wake.cancel();
    queue.clear();
    inFlight.clear();
    queuedBytes = 0;
  }

  @Override
  public String toString() {
    return sender + " -> " + receiver;
  }
}
