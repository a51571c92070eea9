package io.layerswarm.agent.pins;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.image.Descriptor;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the agent knows of one pin: the digest its reference resolved to, the blobs of its platform
 * (config and layers), which of them are local, and the last error. Immutable; each step of the
 * {@link Pinner} makes a new one. The decisions (what to fetch, what to keep, whether it is
 * complete) are pure functions of it.
 *
 * @param digest the manifest (or index) digest the reference resolved to; empty until resolved
 * @param blobs the config and layers of the pinned platform, in pull order
 * @param local the digests of {@code blobs} that are in the store
 * @param previous the blobs of the digest resolved before, kept from eviction until the new ones
 *     are all local (a moved tag never leaves the host with neither image)
 * @param lastError why the last attempt failed, if it did (cleared by a successful one)
 * @param checkedAt when the last attempt ended; empty before the first
 */
public record PinState(
    Pin pin,
    Optional<Digest> digest,
    List<Descriptor> blobs,
    Set<Digest> local,
    List<Descriptor> previous,
    Optional<String> lastError,
    Optional<Instant> checkedAt) {
  public PinState {
    Objects.requireNonNull(pin, "pin");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(lastError, "lastError");
    Objects.requireNonNull(checkedAt, "checkedAt");
    blobs = List.copyOf(blobs);
    previous = List.copyOf(previous);
    Set<Digest> known = new HashSet<>();
    for (Descriptor blob : blobs) {
      known.add(blob.digest());
    }
    for (Digest d : local) {
      if (!known.contains(d)) {
        throw new IllegalArgumentException(d + " is local but not a blob of " + pin);
      }
    }
    local = Set.copyOf(local);
  }

  /** A pin not looked at yet. */
  public static PinState initial(Pin pin) {
    return new PinState(
        pin, Optional.empty(), List.of(), Set.of(), List.of(), Optional.empty(), Optional.empty());
  }

  /** True when the reference is resolved and every blob of its platform is local. */
  public boolean complete() {
    return digest.isPresent() && local.size() == distinct(blobs).size();
  }

  /** The blobs to fetch: those of the resolved image that are not local, in pull order. */
  public List<Descriptor> missing() {
    return blobs.stream().filter(b -> !local.contains(b.digest())).toList();
  }

  public long totalBytes() {
    return distinctBytes(blobs, null);
  }

  public long localBytes() {
    return distinctBytes(blobs, local);
  }

  /** The digests that must not be evicted: this image's, and the previous one's until complete. */
  public Set<Digest> kept() {
    Set<Digest> kept = new LinkedHashSet<>(distinct(blobs));
    if (!complete()) {
      kept.addAll(distinct(previous));
    }
    return kept;
  }

  /**
   * After a resolution to {@code resolved} with these blobs: a new digest keeps the blobs of the
   * old one as {@link #previous} if the old one was complete (else whatever it kept before).
   */
  public PinState resolved(Digest resolved, List<Descriptor> newBlobs, Set<Digest> newLocal) {
    List<Descriptor> kept = previous;
    if (digest.isPresent() && !digest.get().equals(resolved)) {
      kept = complete() ? blobs : previous;
    }
    return new PinState(pin, Optional.of(resolved), newBlobs, newLocal, kept, lastError, checkedAt);
  }

  /** With {@code blob} local now. */
  public PinState withLocal(Digest blob) {
    Set<Digest> more = new HashSet<>(local);
    more.add(blob);
    return new PinState(pin, digest, blobs, more, previous, lastError, checkedAt);
  }

  /** With {@code blob} gone from the store (an admin's forced eviction). */
  public PinState withoutLocal(Digest blob) {
    if (!local.contains(blob)) {
      return this;
    }
    Set<Digest> fewer = new HashSet<>(local);
    fewer.remove(blob);
    return new PinState(pin, digest, blobs, fewer, previous, lastError, checkedAt);
  }

  /** The attempt ended at {@code now}, with {@code error} or without. */
  public PinState checked(Instant now, Optional<String> error) {
    List<Descriptor> kept = complete() ? List.of() : previous;
    return new PinState(pin, digest, blobs, local, kept, error, Optional.of(now));
  }

  /**
   * What is missing, in a few words for {@code /ready} and {@code layerswarm pins}: {@code "not
   * resolved yet"}, {@code "2 of 5 blobs local (...)"}, with the last error when there is one.
   */
  public String reason() {
    String state = progress();
    return lastError.map(e -> state + "; last error: " + e).orElse(state);
  }

  /** {@link #reason} without the last error: for {@code /ready}, which may face the network. */
  public String progress() {
    String state;
    if (digest.isEmpty()) {
      state = lastError.isPresent() ? "not resolved (the last attempt failed)" : "not resolved yet";
    } else {
      int total = distinct(blobs).size();
      state =
          local.size()
              + " of "
              + total
              + " blobs local ("
              + localBytes()
              + " of "
              + totalBytes()
              + " bytes)";
    }
    return state;
  }

  private static Set<Digest> distinct(List<Descriptor> list) {
    Set<Digest> digests = new LinkedHashSet<>();
    for (Descriptor d : list) {
      digests.add(d.digest());
    }
    return digests;
  }

  private static long distinctBytes(List<Descriptor> list, Set<Digest> only) {
    Set<Digest> seen = new HashSet<>();
    long total = 0;
    for (Descriptor d : list) {
      if (seen.add(d.digest()) && (only == null || only.contains(d.digest()))) {
        total += d.size();
      }
    }
    return total;
  }
}
