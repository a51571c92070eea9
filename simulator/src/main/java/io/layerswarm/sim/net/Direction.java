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
 * smaller units: a message is one event when transmitted and one when delivered, whatever its size.
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
  private final MessageRing queue = new MessageRing();
  private final MessageRing inFlight = new MessageRing();
  private final Timer transmitted;
  private final Timer delivered;
  private double headRemaining;
  private long lastSettle;
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
    this.transmitted = network.simulation().timer(this::onTransmitted);
    this.delivered = network.simulation().timer(this::onDelivered);
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

  /** True while this direction has bytes not yet transmitted, i.e. it is an active flow. */
  public boolean isActive() {
    return !queue.isEmpty();
  }

  /** Messages not yet fully transmitted, the one in transmission included. */
  public int queuedMessages() {
    return queue.size();
  }

  /** Bytes of the messages not yet fully transmitted, the one in transmission counted whole. */
  public long queuedBytes() {
    return queuedBytes;
  }

  /** Messages transmitted and not yet delivered (on the wire for the latency). */
  public int messagesInFlight() {
    return inFlight.size();
  }

  /** Bytes of every message fully transmitted on this direction. */
  public long bytesSent() {
    return bytesSent;
  }

  /** Bytes of every message delivered on this direction. */
  public long bytesDelivered() {
    return bytesDelivered;
  }

  /**
   * The current transmission rate in bits per second: the max-min fair share, 0 while idle (and,
   * within the instant a flow starts, until the network recomputes its rates).
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
    queue.add(bytes, 0, handler, payload);
    queuedBytes += bytes;
    if (queue.size() == 1) {
      headRemaining = bytes;
      lastSettle = network.simulation().nowNanos();
      network.attach(flow);
    }
  }

  @Override
  public void rateChanged(Flow f, double newRate) {
    long now = network.simulation().nowNanos();
    if (f.rate > 0) {
      headRemaining = Math.max(0, headRemaining - f.rate * (now - lastSettle));
    }
    lastSettle = now;
    transmitted.rescheduleAt(now + transmitNanos(headRemaining, newRate));
  }

  private void onTransmitted() {
    long now = network.simulation().nowNanos();
    long size = queue.headSize();
    Object handler = queue.headHandler();
    Object payload = queue.headPayload();
    queue.removeHead();
    queuedBytes -= size;
    bytesSent += size;
    sender.bytesSent += size;
    inFlight.add(size, now + latencyNanos, handler, payload);
    if (!delivered.isPending()) {
      delivered.rescheduleAt(inFlight.headTime());
    }
    if (queue.isEmpty()) {
      network.detach(flow);
    } else {
      headRemaining = queue.headSize();
      lastSettle = now;
      transmitted.rescheduleAt(now + transmitNanos(headRemaining, flow.rate));
    }
  }

  private void onDelivered() {
    long size = inFlight.headSize();
    Object handler = inFlight.headHandler();
    Object payload = inFlight.headPayload();
    inFlight.removeHead();
    bytesDelivered += size;
    receiver.bytesReceived += size;
    if (!inFlight.isEmpty()) {
      delivered.rescheduleAt(inFlight.headTime());
    }
    MessageRing.deliver(handler, payload);
  }

  /** Whole nanoseconds to send {@code bytes} at {@code rate} bytes/ns, rounded up. */
  private static long transmitNanos(double bytes, double rate) {
    double nanos = Math.ceil(bytes / rate);
    return nanos >= 0x1p62 ? 1L << 62 : (long) nanos;
  }

  void shutdown() {
    closed = true;
    network.detach(flow);
    transmitted.cancel();
    delivered.cancel();
    queue.clear();
    inFlight.clear();
    queuedBytes = 0;
  }

  @Override
  public String toString() {
    return sender + " -> " + receiver;
  }
}
