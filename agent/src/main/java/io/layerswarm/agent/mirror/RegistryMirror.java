package io.layerswarm.agent.mirror;

import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.client.UpstreamRegistry.ManifestHead;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The seam between the agent's HTTP edge and its mirror logic: answers the pull side of the
 * registry API. Every method returns at once and never blocks the caller (a Netty event loop); the
 * work runs on the mirror's own executors. Futures fail with a {@link MirrorException} subclass,
 * which the edge maps to an HTTP status and OCI error body.
 */
public interface RegistryMirror {
  /**
   * The manifest's exact bytes, media type and digest.
   *
   * @param accept every Accept header value of the client's request, in order, one per line
   */
  CompletableFuture<Manifest> getManifest(ManifestRequest request, List<String> accept);

  /** Media type, digest and size of a manifest, without its bytes. */
  CompletableFuture<ManifestHead> headManifest(ManifestRequest request, List<String> accept);

  /** Size of a blob: local when cached, else asked of the upstream (no download). */
  CompletableFuture<BlobInfo> statBlob(BlobRequest request);

  /**
   * The blob: opened from the local store when cached ({@link OpenBlob}); otherwise its fetch
   * (swarm first, origin as fallback) is joined or started and the answer is a {@link LiveBlob} to
   * stream while it arrives, as soon as its size is known. The caller owns the result and must send
   * or {@link BlobBody#discard discard} it.
   */
  CompletableFuture<BlobBody> openBlob(BlobRequest request);
}
