package io.layerswarm.registry.server;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RepositoryName;
import java.util.Optional;

/** A parsed pull-side registry request path. */
public sealed interface Route {
  /** {@code /v2/} */
  record Base() implements Route {}

  /**
   * {@code /v2/<name>/manifests/<reference>}; reference is a tag or a digest.
   *
   * @param namespace upstream registry host chosen by the client (containerd {@code ?ns=} or a
   *     podman path prefix), empty for the default upstream
   */
  record ManifestRoute(Optional<String> namespace, RepositoryName name, String reference)
      implements Route {
    public Optional<Digest> digest() {
      return reference.contains(":") ? Optional.of(Digest.parse(reference)) : Optional.empty();
    }
  }

  /** {@code /v2/<name>/blobs/<digest>} */
  record BlobRoute(Optional<String> namespace, RepositoryName name, Digest digest)
      implements Route {}
}
