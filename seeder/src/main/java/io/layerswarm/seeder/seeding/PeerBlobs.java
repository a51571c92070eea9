package io.layerswarm.seeder.seeding;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.client.BlobStream;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Other seeders a blob can be copied from before the origin is asked: after a ring change, the
 * seeders that owned it before this one became an owner. Implementations: {@code HttpPeerBlobs} in
 * the seeder's wiring ({@code GET <seeder>/blobs/<digest>}), {@link #NONE}.
 */
public interface PeerBlobs {
  /** No peers: every blob comes from the origin. */
  PeerBlobs NONE =
      new PeerBlobs() {
        @Override
        public List<URI> holders(Digest digest) {
          return List.of();
        }

        @Override
        public Optional<BlobStream> open(URI seeder, Digest digest) {
          return Optional.empty();
        }
      };

  /** The seeders to try for {@code digest}, best first; empty: go to the origin. */
  List<URI> holders(Digest digest);

  /**
   * The blob's body from {@code seeder} (its sha256 is checked when stored), empty when that seeder
   * does not hold it.
   *
   * @throws IOException when the seeder cannot be reached or fails
   */
  Optional<BlobStream> open(URI seeder, Digest digest) throws IOException;
}
