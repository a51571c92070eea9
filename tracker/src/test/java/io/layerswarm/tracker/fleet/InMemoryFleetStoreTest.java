package io.layerswarm.tracker.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The {@link FleetStoreContract} for the store of one tracker process. */
class InMemoryFleetStoreTest extends FleetStoreContract {
  @Override
  FleetStore openStore(int maxMembers) {
    return new InMemoryFleetStore(maxMembers);
  }

  @Test
  void namesItselfInMemory() {
    assertThat(store).hasToString("in-memory");
  }
}
