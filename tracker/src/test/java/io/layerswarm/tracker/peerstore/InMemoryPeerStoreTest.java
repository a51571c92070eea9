package io.layerswarm.tracker.peerstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The {@link PeerStoreContract} for the in-memory store. */
class InMemoryPeerStoreTest extends PeerStoreContract {
  @Override
  PeerStore openStore(PeerLimits limits) {
    return new InMemoryPeerStore(new Random(1), limits);
  }

  @Test
  void namesItselfInMemoryForTheTrackersStartLine() {
    assertThat(store).hasToString("in-memory");
  }
}
