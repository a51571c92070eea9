package io.layerswarm.swarm.channel;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * The engine's connection budgets: incoming connections in total and per IP address, and outgoing
 * connections, counted apart, so that sockets opened to us never take a slot we need to dial out. A
 * slot is taken before a connection's first byte is read or written, and given back when it closes.
 * The per-address map holds only addresses with a connection open, so it is bounded by the incoming
 * budget. Thread-safe (every event loop takes and gives back slots).
 */
public final class ConnectionSlots {
  private final int maxIncoming;
  private final int maxOutgoing;
  private final int maxIncomingPerAddress;

  // Guarded by this.
  private final Map<InetAddress, Integer> incomingByAddress = new HashMap<>();
  private int incoming;
  private int outgoing;

  public ConnectionSlots(int maxIncoming, int maxOutgoing, int maxIncomingPerAddress) {
    this.maxIncoming = maxIncoming;
    this.maxOutgoing = maxOutgoing;
    this.maxIncomingPerAddress = maxIncomingPerAddress;
  }

  /** Takes a slot for a connection {@code address} opened to us; false if a budget is spent. */
  public synchronized boolean takeIncoming(InetAddress address) {
    int fromAddress = incomingByAddress.getOrDefault(address, 0);
    if (incoming >= maxIncoming || fromAddress >= maxIncomingPerAddress) {
      return false;
    }
    incoming++;
    incomingByAddress.put(address, fromAddress + 1);
    return true;
  }

  /** Gives back the slot of a connection {@code address} opened that closed. */
  public synchronized void releaseIncoming(InetAddress address) {
    Integer fromAddress = incomingByAddress.get(address);
    if (fromAddress == null) {
      throw new IllegalStateException("no incoming connection from " + address + " to release");
    }
    incoming--;
    if (fromAddress == 1) {
      incomingByAddress.remove(address);
    } else {
      incomingByAddress.put(address, fromAddress - 1);
    }
  }

  /** Whether {@code address} may open one more incoming connection, the total budget aside. */
  public synchronized boolean hasShareLeft(InetAddress address) {
    return incomingByAddress.getOrDefault(address, 0) < maxIncomingPerAddress;
  }

  /**
   * Moves the slot of a connection from {@code from} that is closing to a new connection from
   * {@code to}; false, and nothing changed, if {@code to} has its share.
   */
  public synchronized boolean transferIncoming(InetAddress from, InetAddress to) {
    if (from.equals(to)) {
      return true;
    }
    int toCount = incomingByAddress.getOrDefault(to, 0);
    if (toCount >= maxIncomingPerAddress) {
      return false;
    }
    releaseIncoming(from);
    incoming++;
    incomingByAddress.put(to, toCount + 1);
    return true;
  }

  /** Takes a slot for a connection we open; false if the outgoing budget is spent. */
  public synchronized boolean takeOutgoing() {
    if (outgoing >= maxOutgoing) {
      return false;
    }
    outgoing++;
    return true;
  }

  /** Gives back the slot of a connection we opened that closed (or never connected). */
  public synchronized void releaseOutgoing() {
    if (outgoing == 0) {
      throw new IllegalStateException("no outgoing connection to release");
    }
    outgoing--;
  }

  public synchronized int incoming() {
    return incoming;
  }

  public synchronized int incomingFrom(InetAddress address) {
    return incomingByAddress.getOrDefault(address, 0);
  }

  public synchronized int outgoing() {
    return outgoing;
  }
}
