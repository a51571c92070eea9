package io.layerswarm.seeder.preheat;

import io.layerswarm.core.Digest;
import io.layerswarm.core.ring.HealthChecker;
import io.layerswarm.core.ring.SeederRing;
import io.layerswarm.registry.RegistryHost;
import io.layerswarm.registry.RepositoryName;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Warms a blob on its owners in the seeder ring, so that a preheat sent to any seeder fills the
 * seeders the trackers will ask: this seeder through {@code local}, the others through {@code
 * remote} (their {@code GET /metainfo}, which fetches and seeds). The owners are the live ones
 * ({@link HealthChecker#liveOwners}); when none is alive, the first R {@link
 * HealthChecker#candidates} are tried anyway. The blob counts as warm when at least one owner holds
 * it; the message lists the owners that failed. Owners are asked one after the other. Thread-safe.
 */
public final class RingWarmer implements BlobWarmer {
  /** Asks another seeder for a blob's metainfo, which makes it fetch and seed the blob. */
  @FunctionalInterface
  public interface RemoteSeeder {
    void warm(URI seeder, Digest digest, RegistryHost registry, RepositoryName repo)
        throws PreheatException;
  }

  private final HealthChecker health;
  private final URI self;
  private final BlobWarmer local;
  private final RemoteSeeder remote;

  /**
   * @param self this seeder's id in the ring
   */
  public RingWarmer(HealthChecker health, URI self, BlobWarmer local, RemoteSeeder remote) {
    this.health = Objects.requireNonNull(health, "health");
    this.self = SeederRing.memberId(self);
    this.local = Objects.requireNonNull(local, "local");
    this.remote = Objects.requireNonNull(remote, "remote");
  }

  @Override
  public String warm(Digest digest, RegistryHost registry, RepositoryName repo)
      throws PreheatException {
    List<URI> owners = health.liveOwners(digest);
    if (owners.isEmpty()) {
      List<URI> candidates = health.candidates(digest);
      owners = candidates.subList(0, Math.min(health.ring().replicas(), candidates.size()));
    }
    List<String> held = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (URI owner : owners) {
      try {
        if (owner.equals(self)) {
          local.warm(digest, registry, repo);
          held.add(owner + " (this seeder)");
        } else {
          remote.warm(owner, digest, registry, repo);
          held.add(owner.toString());
        }
      } catch (PreheatException e) {
        failed.add(owner + ": " + e.getMessage());
        if (!owner.equals(self)) {
          health.reportFailure(owner, e);
        }
      }
    }
    if (held.isEmpty()) {
      throw new PreheatException(
          "no owner of " + digest + " could fetch it: " + String.join("; ", failed));
    }
    return "held by "
        + String.join(", ", held)
        + (failed.isEmpty() ? "" : "; failed on " + String.join("; ", failed));
  }
}
