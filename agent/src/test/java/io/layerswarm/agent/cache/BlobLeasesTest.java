package io.layerswarm.agent.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import org.junit.jupiter.api.Test;

class BlobLeasesTest {
  private static final Digest BLOB = Digest.sha256(new byte[] {1});

  @Test
  void aBlobIsLeasedUntilItsLastLeaseCloses() {
    BlobLeases leases = new BlobLeases();
    BlobLeases.Lease first = leases.acquire(BLOB);
    BlobLeases.Lease second = leases.acquire(BLOB);

    first.close();
    assertThat(leases.isLeased(BLOB)).isTrue();
    second.close();
    assertThat(leases.isLeased(BLOB)).isFalse();
    assertThat(leases.leased()).isEmpty();
  }

  @Test
  void closingALeaseTwiceReleasesItOnce() {
    BlobLeases leases = new BlobLeases();
    BlobLeases.Lease first = leases.acquire(BLOB);
    BlobLeases.Lease second = leases.acquire(BLOB);

    first.close();
    first.close();

    assertThat(leases.isLeased(BLOB)).isTrue();
    second.close();
    assertThat(leases.isLeased(BLOB)).isFalse();
  }
}
