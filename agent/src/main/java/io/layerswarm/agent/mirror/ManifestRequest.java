package io.layerswarm.agent.mirror;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RegistryHost;
import io.layerswarm.registry.RepositoryName;
import java.util.Objects;
import java.util.Optional;

/**
 * A manifest a client asks the mirror for.
 *
 * @param registry the registry the client named (containerd {@code ?ns=}, a podman path prefix), or
 *     empty for the agent's default upstream (dockerd's mirror, the direct form)
 * @param reference a tag, or a digest ({@code sha256:<hex>})
 */
public record ManifestRequest(
    Optional<RegistryHost> registry, RepositoryName repository, String reference) {
  public ManifestRequest {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(reference, "reference");
  }

  /**
   * The digest when the reference is one; manifests by digest are immutable, so the mirror caches
   * them.
   *
   * @throws IllegalArgumentException when the reference has a ':' but is not a valid digest
   */
  public Optional<Digest> digest() {
    return reference.contains(":") ? Optional.of(Digest.parse(reference)) : Optional.empty();
  }
}
