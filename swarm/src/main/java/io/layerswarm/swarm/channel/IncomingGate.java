package io.layerswarm.swarm.channel;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Decides whether a connection opened to the engine may stay: not while the engine closes, not from
 * a banned address, and only within the incoming budgets ({@link ConnectionSlots}). When the total
 * incoming budget is spent, a new connection takes the slot of the oldest connection that has not
 * finished its handshake, which is closed: sockets that connect and send nothing then hold slots
 * only until peers arrive, not for the whole handshake timeout, while a peer's handshake takes
 * milliseconds. A connection whose address has its share is refused as before. Thread-safe (the
 * server's event loops call it).
 */
public final class IncomingGate implements Predicate<Channel> {
  /** Whether the channel still holds its slot: given back once, on close or to a newcomer. */
  private static final AttributeKey<AtomicBoolean> SLOT =
      AttributeKey.valueOf(IncomingGate.class, "slot");

  private final ConnectionSlots slots;
  private final AddressBans bans;
  private final BooleanSupplier closed;

  /** Incoming connections, oldest first; those done with their handshake are skipped. */
  private final Set<Channel> accepted = new LinkedHashSet<>(); // Guarded by this.

  public IncomingGate(ConnectionSlots slots, AddressBans bans, BooleanSupplier closed) {
    this.slots = slots;
    this.bans = bans;
    this.closed = closed;
  }

  @Override
  public boolean test(Channel ch) {
    InetAddress from = address(ch);
    if (closed.getAsBoolean() || bans.isBanned(from)) {
      return false;
    }
    if (!slots.takeIncoming(from)
        && !(slots.hasShareLeft(from) && takeFromOldestHandshaking(from))) {
      return false;
    }
    AtomicBoolean slot = new AtomicBoolean(true);
    ch.attr(SLOT).set(slot);
    synchronized (this) {
      accepted.add(ch);
    }
    ch.closeFuture()
        .addListener(
            f -> {
              synchronized (this) {
                accepted.remove(ch);
              }
              if (slot.compareAndSet(true, false)) {
                slots.releaseIncoming(from);
              }
            });
    return true;
  }

  /** Moves the slot of the oldest connection still handshaking to one from {@code from}. */
  private boolean takeFromOldestHandshaking(InetAddress from) {
    Channel oldest = oldestHandshaking();
    if (oldest == null) {
      return false;
    }
    AtomicBoolean slot = oldest.attr(SLOT).get();
    if (slot == null || !slot.compareAndSet(true, false)) {
      return false; // It closed meanwhile and gave its slot back.
    }
    InetAddress previous = address(oldest);
    boolean moved = slots.transferIncoming(previous, from);
    if (!moved) {
      slots.releaseIncoming(previous); // {@code from} has its share: the slot is just freed.
    }
    oldest.close();
    return moved;
  }

  private synchronized Channel oldestHandshaking() {
    for (Iterator<Channel> it = accepted.iterator(); it.hasNext(); ) {
      Channel ch = it.next();
      if (ch.isActive() && ch.pipeline().get(HandshakeHandler.class) != null) {
        it.remove();
        return ch;
      }
    }
    return null;
  }

  private static InetAddress address(Channel ch) {
    return ((InetSocketAddress) ch.remoteAddress()).getAddress();
  }
}
