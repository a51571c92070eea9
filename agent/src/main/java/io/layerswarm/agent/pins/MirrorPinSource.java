package io.layerswarm.agent.pins;

import io.layerswarm.agent.mirror.BlobRequest;
import io.layerswarm.agent.mirror.ManifestRequest;
import io.layerswarm.agent.mirror.PullThroughMirror;
import io.layerswarm.core.Digest;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.client.UpstreamRegistry;
import io.layerswarm.registry.image.ImageReference;
import io.layerswarm.registry.store.BlobStore;
import java.util.concurrent.CompletableFuture;

/** Pins through the agent's mirror: manifests from upstream, blobs by the client pull's path. */
public final class MirrorPinSource implements PinSource {
  private final PullThroughMirror mirror;
  private final BlobStore store;

  public MirrorPinSource(PullThroughMirror mirror, BlobStore store) {
    this.mirror = mirror;
    this.store = store;
  }

  @Override
  public CompletableFuture<Manifest> manifest(ImageReference image, String reference) {
    return mirror.getManifest(
        new ManifestRequest(image.registry(), image.repository(), reference),
        UpstreamRegistry.DEFAULT_ACCEPT);
  }

  @Override
  public boolean isLocal(Digest digest) {
    return store.size(digest).isPresent();
  }

  @Override
  public CompletableFuture<Void> cache(ImageReference image, Digest digest) {
    return mirror.cacheBlob(new BlobRequest(image.registry(), image.repository(), digest));
  }
}
