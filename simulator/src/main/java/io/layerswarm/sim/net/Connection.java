package io.layerswarm.sim.net;

import java.util.Objects;

/**
 * A duplex connection between two hosts: two independent {@link Direction}s, each a FIFO byte
 * stream with its own max-min fair rate. Open from {@link Network#connect} until {@link #close()}
 * or until one of its hosts fails; then both directions stop at once, undelivered messages are
 * dropped, and each end's {@link CloseListener} is told (the end {@code a} first). Used on the
 * simulation's thread only.
 */
public final class Connection {
  private final Host a;
  private final Host b;
  private final Direction fromA;
  private final Direction fromB;
  private CloseListener listenerA;
  private CloseListener listenerB;
  private boolean open = true;

  Connection(Network network, Host a, Host b, Resource[] pathAb, Resource[] pathBa, long latency) {
    this.a = a;
    this.b = b;
    this.fromA = new Direction(network, this, a, b, pathAb, latency);
    this.fromB = new Direction(network, this, b, a, pathBa, latency);
  }

  /** The host that opened the connection. */
  public Host a() {
    return a;
  }

  /** The host it was opened to. */
  public Host b() {
    return b;
  }

  /** The other end. */
  public Host peer(Host end) {
    if (end == a) {
      return b;
    }
    if (end == b) {
      return a;
    }
    throw notAnEnd(end);
  }

  /** The direction that {@code sender} sends on. */
  public Direction from(Host sender) {
    if (sender == a) {
      return fromA;
    }
    if (sender == b) {
      return fromB;
    }
    throw notAnEnd(sender);
  }

  /** The direction that {@code receiver} receives on. */
  public Direction to(Host receiver) {
    return from(peer(receiver));
  }

  public boolean isOpen() {
    return open;
  }

  /**
   * Sets the listener of one end, replacing the previous one; told once, when the connection
   * closes.
   */
  public void onClose(Host end, CloseListener listener) {
    Objects.requireNonNull(listener, "listener");
    if (end == a) {
      listenerA = listener;
    } else if (end == b) {
      listenerB = listener;
    } else {
      throw notAnEnd(end);
    }
  }

  /** Closes both directions and tells both ends; does nothing if already closed. */
  public void close() {
    close(CloseCause.CLOSED);
  }

  void close(CloseCause cause) {
    if (!open) {
      return;
    }
    open = false;
    fromA.shutdown();
    fromB.shutdown();
    a.detach(this);
    b.detach(this);
    if (listenerA != null) {
      listenerA.closed(this, cause);
    }
    if (listenerB != null) {
      listenerB.closed(this, cause);
    }
  }

  private IllegalArgumentException notAnEnd(Host host) {
    return new IllegalArgumentException(host + " is not an end of " + this);
  }

  @Override
  public String toString() {
    return a + " <-> " + b;
  }
}
