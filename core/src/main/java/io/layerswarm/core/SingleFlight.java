package io.layerswarm.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Concurrent calls for the same key share one piece of work: the first caller starts it, later
 * callers join it until it completes. Once it completes, the next call starts anew; nothing is
 * cached.
 *
 * <p>Each caller gets its own copy of the result future, so one caller cancelling or completing its
 * copy does not touch the shared work or the other callers. The flight leaves the map before its
 * result is published, so a caller that reacts to the result by calling again starts a new flight
 * instead of joining the finished one.
 *
 * <p>For work that callers use while it runs, not only for its result, see {@link Shared}.
 *
 * <p>Thread-safe. The number of flights is bounded by the number of distinct keys in use at once;
 * callers that take keys from outside input bound that themselves (for example with an executor's
 * queue, as a flight usually runs on one).
 *
 * @param <K> the key, with value equality
 * @param <V> the result
 */
public final class SingleFlight<K, V> {
  private final Shared<K, CompletableFuture<V>> flights = new Shared<>();

  /**
   * Joins the flight for {@code key}, or starts one by calling {@code start} with the key. {@code
   * start} runs on the calling thread, at most once per flight; if it throws, the flight fails with
   * that exception.
   */
  public CompletableFuture<V> run(
      K key, Function<? super K, ? extends CompletionStage<? extends V>> start) {
    return flights
        .join(key, k -> new CompletableFuture<V>(), mine -> launch(key, mine, start))
        .copy();
  }

  private void launch(
      K key,
      CompletableFuture<V> flight,
      Function<? super K, ? extends CompletionStage<? extends V>> start) {
    CompletionStage<? extends V> work;
    try {
      work = start.apply(key);
    } catch (RuntimeException | Error e) {
      land(key, flight, null, e);
      return;
    }
    work.whenComplete((value, error) -> land(key, flight, value, error));
  }

  private void land(K key, CompletableFuture<V> flight, V value, Throwable error) {
    flights.land(key, flight);
    if (error == null) {
      flight.complete(value);
    } else {
      flight.completeExceptionally(error);
    }
  }

  /** Whether work for {@code key} is running now. */
  public boolean inFlight(K key) {
    return flights.current(key).isPresent();
  }

  /** A copy of the running flight for {@code key}, if any; joining it starts nothing. */
  public Optional<CompletableFuture<V>> current(K key) {
    return flights.current(key).map(CompletableFuture::copy);
  }

  /** The keys in flight now (a snapshot). */
  public Set<K> keys() {
    return flights.keys();
  }

  /** How many flights are running now. */
  public int size() {
    return flights.size();
  }

  /**
   * Single flight for work that callers use while it runs, not only for its result: a download that
   * readers stream from while it arrives, for example. The first caller for a key makes the shared
   * object and starts it; later callers get the same object until its owner {@linkplain #land
   * lands} it. The owner lands a flight before it publishes the outcome, so that a caller reacting
   * to the outcome by joining again starts anew, as with {@link SingleFlight#run}.
   *
   * <p>Thread-safe; bounded like {@link SingleFlight}.
   *
   * @param <K> the key, with value equality
   * @param <W> the shared work, with identity equality
   */
  public static final class Shared<K, W> {
    private final Map<K, W> flights = new ConcurrentHashMap<>();

    /**
     * The running flight for {@code key}, or a new one: {@code make} makes it (it may be called and
     * its result dropped when another caller wins the race, so it must not start anything), and
     * {@code start} starts it, on the calling thread, once the flight is registered; {@code start}
     * may land it at once. If {@code start} throws, the flight is landed and the exception passed
     * on.
     *
     * @return the shared work, started by this call or an earlier one
     */
    public W join(K key, Function<? super K, ? extends W> make, Consumer<? super W> start) {
      W running = flights.get(key);
      if (running != null) {
        return running;
      }
      W made = Objects.requireNonNull(make.apply(key), "make returned null");
      running = flights.putIfAbsent(key, made);
      if (running != null) {
        return running;
      }
      try {
        start.accept(made);
      } catch (RuntimeException | Error e) {
        land(key, made);
        throw e;
      }
      return made;
    }

    /**
     * Ends the flight of {@code work}: the next {@link #join} for {@code key} starts anew.
     *
     * @return false, changing nothing, when {@code work} is not the flight of {@code key} (it was
     *     landed already)
     */
    public boolean land(K key, W work) {
      return flights.remove(key, work);
    }

    /** The running flight for {@code key}, if any. */
    public Optional<W> current(K key) {
      return Optional.ofNullable(flights.get(key));
    }

    /** The flights running now (a snapshot). */
    public List<W> running() {
      return List.copyOf(flights.values());
    }

    /** The keys in flight now (a snapshot). */
    public Set<K> keys() {
      return Set.copyOf(flights.keySet());
    }

    /** How many flights are running now. */
    public int size() {
      return flights.size();
    }
  }
}
