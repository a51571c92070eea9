package io.layerswarm.agent.pins;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.image.ImageReference;
import java.util.concurrent.CompletableFuture;

/**
 * Where the {@link Pinner} gets pinned images from: the agent's own mirror ({@link
 * MirrorPinSource}), so a pin is a pull like a client's, through the swarm first.
 */
public interface PinSource {
  /** The manifest or index {@code reference} (a tag or a digest) names in {@code image}'s repo. */
  CompletableFuture<Manifest> manifest(ImageReference image, String reference);

  /** Whether the store holds {@code digest}, verified. May block briefly (a file lookup). */
  boolean isLocal(Digest digest);

  /** Completes once {@code digest} of {@code image}'s repository is in the store, verified. */
  CompletableFuture<Void> cache(ImageReference image, Digest digest);
}
