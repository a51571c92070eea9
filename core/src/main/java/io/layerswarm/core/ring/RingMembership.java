package io.layerswarm.core.ring;

import io.layerswarm.core.Digest;
import java.net.URI;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seeder ring a daemon uses now, which can change while it runs: a {@link VersionedRing}
 * swapped whole (rings stay immutable), plus the last few rings it replaced, so that a seeder that
 * became a new owner of a blob knows which seeders held it before ({@link #previousOwners}).
 *
 * <p>Three ways in: {@link #configure} with the ring of a config read again (SIGHUP), applied only
 * when the config's ring changed since it was last read; {@link #set}, an admin's change; and
 * {@link #offer}, a ring another member holds, taken when it is {@linkplain VersionedRing#newerThan
 * newer}. A change of this daemon's own gets the version {@code max(now in ms, current + 1)}, so
 * the latest change wins wherever it was made and every member ends with the same ring.
 *
 * <p>Thread-safe; listeners run on the thread that made the change.
 */
public final class RingMembership {
  private static final Logger log = LoggerFactory.getLogger(RingMembership.class);

  /** Replaced rings remembered for {@link #previousOwners}. */
  public static final int PREVIOUS_RINGS = 4;

  /**
   * @param previous newest first, at most {@link #PREVIOUS_RINGS}
   * @param configured the ring of the config as last read
   */
  private record State(VersionedRing current, List<SeederRing> previous, SeederRing configured) {}

  private final AtomicReference<State> state;
  private final InstantSource clock;
  private final List<Consumer<VersionedRing>> listeners = new CopyOnWriteArrayList<>();

  /** Starts with {@code configured} at version 0, which any change beats. */
  public RingMembership(SeederRing configured, InstantSource clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.state =
        new AtomicReference<>(new State(new VersionedRing(0, configured), List.of(), configured));
  }

  public VersionedRing current() {
    return state.get().current();
  }

  public SeederRing ring() {
    return current().ring();
  }

  /** Runs {@code listener} with the new ring after every change of members or R. */
  public void onChange(Consumer<VersionedRing> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * The ring of the config, read again: a change when it differs from the config's ring as last
   * read (so a reload for another key does not undo a change made by {@link #set} or taken from a
   * member), nothing otherwise.
   *
   * @return whether the members or R changed
   */
  public boolean configure(SeederRing fromConfig) {
    while (true) {
      State before = state.get();
      if (new VersionedRing(0, before.configured()).sameMembers(fromConfig)) {
        return false;
      }
      State after = change(before, fromConfig, fromConfig);
      if (state.compareAndSet(before, after)) {
        return announce(before, after, "config");
      }
    }
  }

  /**
   * An admin's change: {@code ring} becomes current with a new version unless it has the current
   * members and R already.
   *
   * @return whether the members or R changed
   */
  public boolean set(SeederRing ring) {
    while (true) {
      State before = state.get();
      State after = change(before, ring, before.configured());
      if (after == before) {
        return false;
      }
      if (state.compareAndSet(before, after)) {
        return announce(before, after, "admin");
      }
    }
  }

  /**
   * A ring another member holds: taken when it is newer than the current one (a higher version with
   * the same members changes the version only).
   *
   * @return whether the members or R changed
   */
  public boolean offer(VersionedRing other) {
    while (true) {
      State before = state.get();
      if (!other.newerThan(before.current())) {
        return false;
      }
      State after =
          before.current().sameMembers(other.ring())
              ? new State(other, before.previous(), before.configured())
              : new State(other, pushed(before), before.configured());
      if (state.compareAndSet(before, after)) {
        return announce(before, after, "a member");
      }
    }
  }

  private State change(State before, SeederRing ring, SeederRing configured) {
    if (before.current().sameMembers(ring)) {
      return configured == before.configured()
          ? before
          : new State(before.current(), before.previous(), configured);
    }
    long version = Math.max(clock.millis(), before.current().version() + 1);
    return new State(new VersionedRing(version, ring), pushed(before), configured);
  }

  private static List<SeederRing> pushed(State before) {
    List<SeederRing> previous = new ArrayList<>(PREVIOUS_RINGS);
    previous.add(before.current().ring());
    for (SeederRing ring : before.previous()) {
      if (previous.size() == PREVIOUS_RINGS) {
        break;
      }
      previous.add(ring);
    }
    return List.copyOf(previous);
  }

  private boolean announce(State before, State after, String from) {
    VersionedRing old = before.current();
    VersionedRing now = after.current();
    if (old.sameMembers(now.ring())) {
      return false;
    }
    Set<URI> added = new TreeSet<>(now.ring().members());
    added.removeAll(old.ring().members());
    Set<URI> removed = new TreeSet<>(old.ring().members());
    removed.removeAll(now.ring().members());
    log.info(
        "seeder ring changed by {}: v{} -> v{}, {} members (R={}), added {}, removed {}",
        from,
        old.version(),
        now.version(),
        now.ring().members().size(),
        now.ring().replicas(),
        added,
        removed);
    for (Consumer<VersionedRing> listener : listeners) {
      try {
        listener.accept(now);
      } catch (RuntimeException e) {
        log.warn("a ring listener failed", e);
      }
    }
    return true;
  }

  /** The rings replaced, newest first (and those learnt from members by {@link #remember}). */
  public List<SeederRing> previousRings() {
    return state.get().previous();
  }

  /**
   * Adds a ring another member holds or held to the history {@link #previousOwners} reads, when it
   * has other members than the current ring and is not in the history yet (and there is room): a
   * seeder that joins learns from the others' rings which seeders held the blobs before it did.
   */
  public void remember(SeederRing ring) {
    while (true) {
      State before = state.get();
      if (before.previous().size() >= PREVIOUS_RINGS
          || before.current().sameMembers(ring)
          || before.previous().stream().anyMatch(r -> new VersionedRing(0, r).sameMembers(ring))) {
        return;
      }
      List<SeederRing> previous = new ArrayList<>(before.previous());
      previous.add(ring);
      if (state.compareAndSet(
          before, new State(before.current(), List.copyOf(previous), before.configured()))) {
        return;
      }
    }
  }

  /**
   * The seeders that owned {@code digest} in the rings before the current one, newest ring first,
   * never {@code self}; empty when {@code self} already owned it in the ring just replaced (it
   * fetched it then, or should have, as before any change) or when nothing changed yet. A seeder
   * that has just become an owner copies the blob from these before it asks the origin.
   */
  public List<URI> previousOwners(Digest digest, URI self) {
    List<SeederRing> previous = state.get().previous();
    if (previous.isEmpty() || previous.get(0).owners(digest).contains(self)) {
      return List.of();
    }
    Set<URI> owners = new LinkedHashSet<>();
    for (SeederRing ring : previous) {
      for (URI owner : ring.owners(digest)) {
        if (!owner.equals(self)) {
          owners.add(owner);
        }
      }
    }
    return List.copyOf(owners);
  }

  @Override
  public String toString() {
    return "RingMembership[" + current() + "]";
  }
}
