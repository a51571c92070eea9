package io.layerswarm.tracker.peerstore;

import java.util.Random;

/** The {@link PeerStoreContract} for the in-memory store. */
class InMemoryPeerStoreTest extends PeerStoreContract {
  @Override
  PeerStore openStore(PeerLimits limits) {
    return new InMemoryPeerStore(new Random(1), limits);
  }
}
