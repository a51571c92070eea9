package io.layerswarm.registry.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InMemoryBlobStoreTest extends BlobStoreContract {
  @Override
  BlobStore newStore() {
    return new InMemoryBlobStore();
  }

  @Test
  void itHasNoFilesToOffer() throws Exception {
    put(CONTENT);

    assertThat(store.path(DIGEST)).isEmpty();
  }
}
