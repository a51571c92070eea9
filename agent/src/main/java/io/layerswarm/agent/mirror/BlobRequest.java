package io.layerswarm.agent.mirror;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RegistryHost;
import io.layerswarm.registry.RepositoryName;
import java.util.Objects;
import java.util.Optional;

/**
 * A blob a client asks the mirror for.
 *
 * @param registry the registry the client named (containerd {@code ?ns=}, a podman path prefix), or
 *     empty for the agent's default upstream (dockerd's mirror, the direct form)
 * @param repository registries scope blobs by repository
 */
public record BlobRequest(
    Optional<RegistryHost> registry, RepositoryName repository, Digest digest) {
  public BlobRequest {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(digest, "digest");
  }
}
