package io.layerswarm.seeder.preheat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.Digest;
import io.layerswarm.core.ring.HealthChecker;
import io.layerswarm.core.ring.SeederRing;
import io.layerswarm.registry.RegistryHost;
import io.layerswarm.registry.RepositoryName;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RingWarmerTest {
  private static final URI A = URI.create("http://10.0.0.1:6970");
  private static final URI B = URI.create("http://10.0.0.2:6970");
  private static final URI C = URI.create("http://10.0.0.3:6970");
  private static final RegistryHost HOST = RegistryHost.of("registry.test:5000");
  private static final RepositoryName REPO = new RepositoryName("team/app");

  private final SeederRing ring = SeederRing.of(List.of(A, B, C), 2);
  private final Set<URI> down = new HashSet<>();
  private final HealthChecker health =
      new HealthChecker(
          ring,
          member ->
              down.contains(member)
                  ? CompletableFuture.failedFuture(new IOException("refused"))
                  : CompletableFuture.completedFuture(null),
          () -> Instant.EPOCH,
          1);
  private final RecordingWarmer local = new RecordingWarmer();
  private final List<URI> remoteCalls = new ArrayList<>();
  private final Set<URI> remoteFailing = new HashSet<>();

  private RingWarmer warmer(URI self) {
    return new RingWarmer(
        health,
        self,
        local,
        (seeder, digest, registry, repo) -> {
          remoteCalls.add(seeder);
          if (remoteFailing.contains(seeder)) {
            throw new PreheatException("HTTP 502 from " + seeder);
          }
        });
  }

  /** A digest whose owners, in rank order, are {@code first} then {@code second}. */
  private Digest ownedBy(URI first, URI second) {
    for (int i = 0; ; i++) {
      Digest digest = Digest.sha256(("blob-" + i).getBytes());
      if (ring.owners(digest).equals(List.of(first, second))) {
        return digest;
      }
    }
  }

  @Test
  void theBlobIsWarmedOnItsOwnersLocallyWhenThisSeederIsOne() throws Exception {
    Digest digest = ownedBy(A, B);

    String where = warmer(A).warm(digest, HOST, REPO);

    assertThat(local.digests()).containsExactly(digest);
    assertThat(remoteCalls).containsExactly(B);
    assertThat(where).contains(A + " (this seeder)").contains(B.toString());
  }

  @Test
  void aSeederThatOwnsNothingOfTheBlobOnlyAsksTheOwners() throws Exception {
    Digest digest = ownedBy(B, C);

    warmer(A).warm(digest, HOST, REPO);

    assertThat(local.calls).isEmpty();
    assertThat(remoteCalls).containsExactly(B, C);
  }

  @Test
  void aDeadOwnerIsReplacedByTheNextMemberByWeight() throws Exception {
    Digest digest = ownedBy(B, C);
    down.add(B);
    health.checkNow().join();

    warmer(A).warm(digest, HOST, REPO);

    assertThat(remoteCalls).containsExactly(C);
    assertThat(local.digests()).containsExactly(digest);
  }

  @Test
  void oneOwnerFailingIsReportedButTheBlobCountsAsWarm() throws Exception {
    Digest digest = ownedBy(B, C);
    remoteFailing.add(B);

    String where = warmer(A).warm(digest, HOST, REPO);

    assertThat(where).contains("held by " + C).contains("failed on " + B).contains("502");
    assertThat(health.isAlive(B)).isFalse(); // reported like a failed probe (1 failure = dead here)
  }

  @Test
  void whenEveryOwnerFailsTheBlobFails() {
    Digest digest = ownedBy(A, C);
    local.failing.add(digest);
    remoteFailing.add(C);

    assertThatThrownBy(() -> warmer(A).warm(digest, HOST, REPO))
        .isInstanceOf(PreheatException.class)
        .hasMessageContaining("no owner of " + digest)
        .hasMessageContaining(A.toString())
        .hasMessageContaining(C.toString());
  }
}
