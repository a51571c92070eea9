package io.layerswarm.agent.pins;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.image.Descriptor;
import io.layerswarm.registry.image.ManifestFormatException;
import io.layerswarm.registry.image.ManifestParser;
import io.layerswarm.registry.image.ParsedManifest;
import io.layerswarm.registry.image.ParsedManifest.ImageIndex;
import io.layerswarm.registry.image.ParsedManifest.ImageManifest;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the pinned images local: resolves each pin's reference, follows an index to the pin's
 * platform, and has every missing config and layer blob fetched through the {@link PinSource} (the
 * client pull's path), a few at a time. Due pins ({@link RefreshSchedule}) are looked at on each
 * {@link #wake}; {@link #refreshNow} makes every pin due.
 *
 * <p>Threads: the state changes only on the owner executor given to the constructor (one thread),
 * which also waits for the fetches; {@link #states} and {@link #kept} read an immutable snapshot
 * from any thread. The public methods return at once.
 */
public final class Pinner {
  private static final Logger log = LoggerFactory.getLogger(Pinner.class);

  /** Blob fetches of one pin at once; more wait. */
  static final int PARALLEL_BLOBS = 4;

  /** An index may list indexes; real ones don't nest deeper than this. */
  private static final int MAX_INDEX_DEPTH = 2;

  private final PinSource source;
  private final InstantSource clock;
  private final Executor owner;
  private final AtomicBoolean pending = new AtomicBoolean();

  /** Written on the owner thread only. */
  private volatile List<PinState> states;

  private volatile RefreshSchedule schedule;
  private volatile boolean forced;

  /**
   * @param owner runs every state change and waits for fetches: a single thread of its own
   */
  public Pinner(PinSource source, PinsConfig config, InstantSource clock, Executor owner) {
    this.source = Objects.requireNonNull(source, "source");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.owner = Objects.requireNonNull(owner, "owner");
    this.states = config.pins().stream().map(PinState::initial).toList();
    this.schedule = RefreshSchedule.of(config.refresh());
  }

  /** Each pin's state now, in config order. */
  public List<PinState> states() {
    return states;
  }

  /** True when every pin is complete (also when there is none). */
  public boolean complete() {
    return states.stream().allMatch(PinState::complete);
  }

  /** The digests the cache must keep: every pin's blobs (and a moved tag's old ones meanwhile). */
  public Set<Digest> kept() {
    Set<Digest> kept = new HashSet<>();
    for (PinState state : states) {
      kept.addAll(state.kept());
    }
    return kept;
  }

  /** The first pin whose image holds {@code digest} now (for eviction refusals). */
  public Optional<Pin> pinOf(Digest digest) {
    for (PinState state : states) {
      if (state.kept().contains(digest)) {
        return Optional.of(state.pin());
      }
    }
    return Optional.empty();
  }

  /** Looks at the due pins soon, on the owner thread; calls while one is pending coalesce. */
  public void wake() {
    if (pending.compareAndSet(false, true)) {
      try {
        owner.execute(
            () -> {
              pending.set(false);
              runDue();
            });
      } catch (RejectedExecutionException e) {
        pending.set(false); // shutting down
      }
    }
  }

  /** Makes every pin due (tags resolved again, blobs checked) and wakes. */
  public void refreshNow() {
    forced = true;
    wake();
  }

  /**
   * Takes a new {@code agent.pins} (a reload): pins in both keep their state, new ones start afresh
   * and are due at once, dropped ones stop being kept.
   */
  public void replace(PinsConfig config) {
    run(
        () -> {
          Map<Pin, PinState> old = new HashMap<>();
          for (PinState state : states) {
            old.put(state.pin(), state);
          }
          states =
              config.pins().stream()
                  .map(pin -> old.getOrDefault(pin, PinState.initial(pin)))
                  .toList();
          schedule = RefreshSchedule.of(config.refresh());
          log.info("agent.pins now: {} image(s)", states.size());
          runDue();
        });
  }

  /** Tells the pins that {@code digest} left the store (an admin's forced eviction). */
  public void evicted(Digest digest) {
    run(
        () -> {
          for (PinState state : states) {
            if (state.local().contains(digest)) {
              update(state.pin(), s -> s.withoutLocal(digest));
              sync(state.pin());
            }
          }
        });
  }

  private void run(Runnable task) {
    try {
      owner.execute(task);
    } catch (RejectedExecutionException e) {
      log.debug("pins: shutting down");
    }
  }

  /** Looks at every due pin, in order. Owner thread only. */
  void runDue() {
    boolean all = forced;
    forced = false;
    for (PinState state : states) {
      if (all || schedule.due(state, clock.instant())) {
        sync(state.pin());
      }
    }
  }

  /** One attempt for {@code pin}: resolve, then fetch what is missing. Owner thread only. */
  private void sync(Pin pin) {
    Optional<String> error = Optional.empty();
    try {
      resolve(pin);
      fetchMissing(pin);
    } catch (PinException e) {
      error = Optional.of(e.getMessage());
      log.warn("pin {}: {}", pin, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    Optional<String> lastError = error;
    update(pin, s -> s.checked(clock.instant(), lastError));
    PinState now = stateOf(pin);
    if (now != null && now.complete() && lastError.isEmpty()) {
      log.debug("pin {} complete: {}", pin, now.digest().orElseThrow());
    }
  }

  /** Resolves the reference to a digest and the platform's blobs; keeps the state on failure. */
  private void resolve(Pin pin) throws PinException, InterruptedException {
    Manifest top = await(source.manifest(pin.image(), pin.image().reference()), "resolving");
    Manifest manifest = top;
    ParsedManifest parsed = parse(top, pin);
    for (int depth = 0; parsed instanceof ImageIndex index; depth++) {
      if (depth >= MAX_INDEX_DEPTH) {
        throw new PinException("indexes nest deeper than " + MAX_INDEX_DEPTH);
      }
      List<Descriptor> children = index.select(Optional.of(pin.platform()));
      if (children.isEmpty()) {
        throw new PinException(
            "the index " + top.digest() + " has no manifest for platform " + pin.platform());
      }
      Digest child = children.get(0).digest();
      manifest = await(source.manifest(pin.image(), child.toString()), "reading manifest " + child);
      parsed = parse(manifest, pin);
    }
    List<Descriptor> blobs = ((ImageManifest) parsed).blobs();
    Set<Digest> local = new HashSet<>();
    for (Descriptor blob : blobs) {
      if (source.isLocal(blob.digest())) {
        local.add(blob.digest());
      }
    }
    PinState before = stateOf(pin);
    if (before != null
        && before.digest().isPresent()
        && !before.digest().get().equals(top.digest())) {
      log.info("pin {} moved from {} to {}", pin, before.digest().get(), top.digest());
    }
    update(pin, s -> s.resolved(top.digest(), blobs, local));
  }

  private void fetchMissing(Pin pin) throws PinException, InterruptedException {
    PinState state = stateOf(pin);
    if (state == null) {
      return; // dropped by a reload meanwhile
    }
    List<Descriptor> missing = state.missing();
    PinException first = null;
    for (int start = 0; start < missing.size(); start += PARALLEL_BLOBS) {
      List<Descriptor> batch =
          missing.subList(start, Math.min(missing.size(), start + PARALLEL_BLOBS));
      List<CompletableFuture<Void>> fetches = new ArrayList<>(batch.size());
      for (Descriptor blob : batch) {
        fetches.add(source.cache(pin.image(), blob.digest()));
      }
      for (int i = 0; i < batch.size(); i++) {
        Digest digest = batch.get(i).digest();
        try {
          await(fetches.get(i), "fetching blob " + digest);
          update(pin, s -> s.withLocal(digest));
        } catch (PinException e) {
          first = first == null ? e : first;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private static ParsedManifest parse(Manifest manifest, Pin pin) throws PinException {
    try {
      return ManifestParser.parse(manifest);
    } catch (ManifestFormatException e) {
      throw new PinException("manifest " + manifest.digest() + ": " + e.getMessage());
    }
  }

  private static <T> T await(CompletableFuture<T> future, String action)
      throws PinException, InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new PinException(action + ": " + cause.getMessage());
    } catch (InterruptedException e) {
      future.cancel(false);
      throw e;
    }
  }

  private PinState stateOf(Pin pin) {
    for (PinState state : states) {
      if (state.pin().equals(pin)) {
        return state;
      }
    }
    return null;
  }

  private void update(Pin pin, java.util.function.UnaryOperator<PinState> change) {
    states = states.stream().map(s -> s.pin().equals(pin) ? change.apply(s) : s).toList();
  }

  /** One attempt failed; the message says which step and why. */
  static final class PinException extends Exception {
    private static final long serialVersionUID = 1L;

    PinException(String message) {
      super(message);
    }
  }
}
