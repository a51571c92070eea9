package io.layerswarm.seeder.preheat;

import io.layerswarm.core.Digest;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of a preheat, as the admin API streams it.
 *
 * @param image the image reference as requested
 * @param digest the blob's digest for blob states, the manifest's for image states (empty when the
 *     manifest could not be resolved)
 * @param bytesDone bytes of blobs held so far (blob: 0 or its size; image: sum over its blobs)
 * @param bytesTotal the blob's size, or the sum of the image's blobs (0 before resolution)
 * @param message details: the platforms and blob count, where the blob is held, or the error
 */
public record PreheatEvent(
    String image,
    Optional<Digest> digest,
    long bytesDone,
    long bytesTotal,
    State state,
    String message) {
  public PreheatEvent {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(message, "message");
  }

  /** Image states: RESOLVED, then COMPLETE or FAILED. Blob states: FETCHING, then DONE or ERROR. */
  public enum State {
    RESOLVED,
    FETCHING,
    DONE,
    ERROR,
    COMPLETE,
    FAILED;

    /** The lowercase name the admin API uses. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public boolean isImageLevel() {
      return this == RESOLVED || this == COMPLETE || this == FAILED;
    }
  }
}
