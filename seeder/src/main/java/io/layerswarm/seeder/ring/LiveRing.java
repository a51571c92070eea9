package io.layerswarm.seeder.ring;

import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.ring.HealthChecker;
import io.layerswarm.core.ring.HttpHealthProbe;
import io.layerswarm.core.ring.HttpRingSource;
import io.layerswarm.core.ring.RingMembership;
import io.layerswarm.core.ring.RingSync;
import io.layerswarm.core.ring.SeederRing;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A seeder's ring while it runs: the {@link RingMembership} (started from {@code seeder.ring}, or
 * this seeder alone), the {@link HealthChecker} that follows its changes, and the {@link RingSync}
 * that takes a newer ring from the other members every round. {@link #reconfigure} is the SIGHUP
 * path, {@link #set} the admin's.
 */
public final class LiveRing implements AutoCloseable {
  private final URI self;
  private final RingMembership membership;
  private final HealthChecker health;
  private final RingSync sync;

  private LiveRing(URI self, RingMembership membership, HealthChecker health, RingSync sync) {
    this.self = self;
    this.membership = membership;
    this.health = health;
    this.sync = sync;
  }

  /**
   * Starts the health checks and the sync on {@code scheduler} (the caller's), every {@code
   * interval}.
   *
   * @param members {@code seeder.ring}; empty: this seeder alone
   * @param http a client the caller owns
   * @param timeout of one probe or ring request
   */
  public static LiveRing start(
      List<URI> members,
      int replicas,
      URI self,
      HttpClient http,
      Duration timeout,
      HttpAuth auth,
      InstantSource clock,
      ScheduledExecutorService scheduler,
      Duration interval) {
    SeederRing ring = ring(members, replicas, self);
    RingMembership membership = new RingMembership(ring, clock);
    HealthChecker health = new HealthChecker(ring, new HttpHealthProbe(http, timeout), clock);
    membership.onChange(changed -> health.update(changed.ring()));
    RingSync sync =
        new RingSync(membership, new HttpRingSource(http, timeout, auth), Optional.of(self));
    health.start(scheduler, interval);
    sync.start(scheduler, interval);
    return new LiveRing(self, membership, health, sync);
  }

  private static SeederRing ring(List<URI> members, int replicas, URI self) {
    return SeederRing.of(members.isEmpty() ? List.of(self) : members, replicas);
  }

  /**
   * {@code seeder.ring} and {@code seeder.ring-replicas} of a config read again: applied when they
   * changed since the config was last read.
   *
   * @return whether the ring changed
   * @throws IllegalArgumentException for a bad ring (nothing changes)
   */
  public boolean reconfigure(List<URI> members, int replicas) {
    return membership.configure(ring(members, replicas, self));
  }

  /**
   * An admin's ring, applied unless it is the current one.
   *
   * @return whether the ring changed
   * @throws IllegalArgumentException for a bad ring (nothing changes)
   */
  public boolean set(List<URI> members, int replicas) {
    return membership.set(SeederRing.of(members, replicas));
  }

  public RingMembership membership() {
    return membership;
  }

  public HealthChecker health() {
    return health;
  }

  public URI self() {
    return self;
  }

  @Override
  public void close() {
    sync.close();
    health.close();
  }
}
