package io.layerswarm.core;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>Thread-safe. The number of flights is bounded by the number of distinct keys in use at once;
 * callers that take keys from outside input bound that themselves (for example with an executor's
 * queue, as a flight usually runs on one).
 *
 * @param <K> the key, with value equality
 * @param <V> the result
 */
public final class SingleFlight<K, V> {
  private final Map<K, CompletableFuture<V>> flights = new ConcurrentHashMap<>();

  /**
   * Joins the flight for {@code key}, or starts one by calling {@code start} with the key. {@code
   * start} runs on the calling thread, at most once per flight; if it throws, the flight fails with
   * that exception.
   */
  public CompletableFuture<V> run(
      K key, Function<? super K, ? extends CompletionStage<? extends V>> start) {
    CompletableFuture<V> mine = new CompletableFuture<>();
    CompletableFuture<V> running = flights.putIfAbsent(key, mine);
    if (running != null) {
      return running.copy();
    }
    CompletionStage<? extends V> work;
    try {
      work = start.apply(key);
    } catch (RuntimeException | Error e) {
      land(key, mine, null, e);
      return mine.copy();
    }
    work.whenComplete((value, error) -> land(key, mine, value, error));
    return mine.copy();
  }

  private void land(K key, CompletableFuture<V> flight, V value, Throwable error) {
    flights.remove(key, flight);
    if (error == null) {
      flight.complete(value);
    } else {
      flight.completeExceptionally(error);
    }
  }

  /** Whether work for {@code key} is running now. */
  public boolean inFlight(K key) {
    return flights.containsKey(key);
  }

  /** A copy of the running flight for {@code key}, if any; joining it starts nothing. */
  public Optional<CompletableFuture<V>> current(K key) {
    return Optional.ofNullable(flights.get(key)).map(CompletableFuture::copy);
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
