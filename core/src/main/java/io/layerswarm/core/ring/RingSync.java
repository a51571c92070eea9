package io.layerswarm.core.ring;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spreads ring changes: every round asks each member of the current ring (but this one) for the
 * ring it holds and {@linkplain RingMembership#offer offers} it to {@code membership}, which takes
 * it when it is newer. Trackers and seeders both run one, so a change made on one seeder (a reload
 * or an admin call) reaches every seeder and tracker within a round or two. A member that does not
 * answer is skipped until the next round (its health is the {@link HealthChecker}'s business). The
 * rings a member held before, and its ring when it is older than ours, go to {@link
 * RingMembership#remember}. Rounds never overlap. Thread-safe.
 */
public final class RingSync implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RingSync.class);

  /** Asks a member for the ring it holds now, with the rings it held before. */
  @FunctionalInterface
  public interface RingSource {
    CompletableFuture<VersionedRing.WithHistory> fetch(URI member);
  }

  private final RingMembership membership;
  private final RingSource source;
  private final Optional<URI> self;
  private final Rounds rounds = new Rounds("ring sync", this::syncNow);

  /**
   * @param self this daemon's id when it is a member (a seeder), not asked
   */
  public RingSync(RingMembership membership, RingSource source, Optional<URI> self) {
    this.membership = Objects.requireNonNull(membership, "membership");
    this.source = Objects.requireNonNull(source, "source");
    this.self = self.map(SeederRing::memberId);
  }

  /** Runs a round every {@code interval} on {@code scheduler} (the caller's), the first at once. */
  public void start(ScheduledExecutorService scheduler, Duration interval) {
    rounds.start(scheduler, interval);
  }

  /** Asks every other member once; completes when all answered and were offered. */
  public CompletableFuture<Void> syncNow() {
    List<CompletableFuture<Void>> asks = new ArrayList<>();
    for (URI member : membership.ring().members()) {
      if (self.isPresent() && self.get().equals(member)) {
        continue;
      }
      CompletableFuture<VersionedRing.WithHistory> answer;
      try {
        answer = source.fetch(member);
      } catch (RuntimeException e) {
        answer = CompletableFuture.failedFuture(e);
      }
      asks.add(
          answer.handle(
              (answered, failure) -> {
                if (failure != null) {
                  log.debug("no ring from {}: {}", member, failure.toString());
                  return null;
                }
                if (membership.offer(answered.ring())) {
                  log.info("took the seeder ring {} from {}", answered.ring(), member);
                }
                // What the cluster held before: the previous owners of a blob for a new owner.
                membership.remember(answered.ring().ring());
                answered.previous().forEach(membership::remember);
                return null;
              }));
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new));
  }

  @Override
  public void close() {
    rounds.close();
  }
}
