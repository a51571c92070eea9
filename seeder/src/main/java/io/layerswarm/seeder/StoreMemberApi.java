package io.layerswarm.seeder;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.store.FileBlobStore;
import io.layerswarm.seeder.http.ControlRequestHandler;
import io.layerswarm.seeder.ring.LiveRing;
import java.nio.file.Path;
import java.util.Optional;

/** {@code GET /ring} and {@code GET /blobs/...}: what the other members read here. */
final class StoreMemberApi implements ControlRequestHandler.MemberApi {
  private final Deferred<LiveRing> ring;
  private final FileBlobStore blobs;

  StoreMemberApi(Deferred<LiveRing> ring, FileBlobStore blobs) {
    this.ring = ring;
    this.blobs = blobs;
  }

  @Override
  public String ring() {
    return ring.get().membership().current().encode(ring.get().membership().previousRings());
  }

  @Override
  public Optional<Path> heldBlob(Digest digest) {
    return blobs.contains(digest) ? blobs.path(digest) : Optional.empty();
  }
}
