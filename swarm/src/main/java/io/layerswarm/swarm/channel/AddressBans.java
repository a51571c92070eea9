package io.layerswarm.swarm.channel;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The addresses an engine refuses for a while: peers that broke a limit (flooded us, did not read)
 * or sent corrupt pieces. Keyed by IP address, not peer id or port, because a bad peer makes a new
 * peer id and a new source port for every connection. A banned address gets no connection in either
 * direction: an incoming one is closed before its first byte is read, an outgoing one is not
 * dialed.
 *
 * <p>Bounded: at most {@link #MAX_ADDRESSES}, the oldest ban dropped first, each for {@link
 * #DURATION} on the injected clock. Thread-safe (every event loop asks it on accept and dial).
 */
public final class AddressBans {
  /**
   * How long a ban lasts: long enough that a flood or a corrupt peer stops costing anything, short
   * enough that a member banned for a fault that is since repaired (a bad disk) comes back.
   */
  public static final Duration DURATION = Duration.ofMinutes(30);

  /** Banned addresses kept at most; a flood from more addresses than this is not remembered. */
  static final int MAX_ADDRESSES = 4096;

  private final InstantSource clock;

  /** Address to the end of its ban, in the order banned. Guarded by {@code this}. */
  private final LinkedHashMap<InetAddress, Instant> until = new LinkedHashMap<>();

  public AddressBans(InstantSource clock) {
    this.clock = clock;
  }

  /** Bans {@code address} for {@link #DURATION} from now (again, if it was banned already). */
  public synchronized void ban(InetAddress address) {
    until.remove(address);
    until.put(address, clock.instant().plus(DURATION));
    if (until.size() > MAX_ADDRESSES) {
      Iterator<Map.Entry<InetAddress, Instant>> oldest = until.entrySet().iterator();
      oldest.next();
      oldest.remove();
    }
  }

  /** Whether {@code address} is banned now. */
  public synchronized boolean isBanned(InetAddress address) {
    Instant end = until.get(address);
    if (end == null) {
      return false;
    }
    if (clock.instant().isBefore(end)) {
      return true;
    }
    until.remove(address);
    return false;
  }

  /** Addresses banned now. */
  public synchronized int size() {
    Instant now = clock.instant();
    until.values().removeIf(end -> !now.isBefore(end));
    return until.size();
  }
}
