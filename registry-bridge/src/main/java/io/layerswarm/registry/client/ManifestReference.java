package io.layerswarm.registry.client;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.Tag;
import java.util.Optional;

/** The reference part of a manifest request: a tag or a digest. */
final class ManifestReference {
  private ManifestReference() {}

  /**
   * The digest when {@code reference} is one, empty when it is a tag.
   *
   * @throws IllegalArgumentException when it is neither
   */
  static Optional<Digest> parse(String reference) {
    if (reference != null && reference.contains(":")) {
      return Optional.of(Digest.parse(reference));
    }
    if (!Tag.isValid(reference)) {
      throw new IllegalArgumentException(
          "manifest reference is neither a tag nor a digest: "
              + (reference == null
                  ? "null"
                  : reference.length() > 80 ? reference.substring(0, 80) + "..." : reference));
    }
    return Optional.empty();
  }

  /** {@code library/app:1.2} or {@code library/app@sha256:...}, for messages. */
  static String display(RepositoryName repo, String reference) {
    return repo + (reference != null && reference.contains(":") ? "@" : ":") + reference;
  }
}
