package io.layerswarm.seeder.seeding;

import io.layerswarm.core.Digest;
import io.layerswarm.core.SingleFlight;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.registry.RepositoryName;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work in progress per digest, one flight at a time: a fetch, a seeding of a held blob, or an
 * eviction. The caller whose flight {@link #join} returns is the leader and does the work on its
 * own thread; the others wait on the leader's result. Thread-safe.
 */
final class DigestFlights {
  // The service's logger: these lines are part of its story of a digest.
  private static final Logger log = LoggerFactory.getLogger(SeederService.class);

  @FunctionalInterface
  interface Work {
    Metainfo run() throws SeederException;
  }

  /** Where a request asked the blob to come from. */
  record Source(String registry, RepositoryName repo) {}

  /**
   * Work in progress on one digest; {@code source} is null for work on held blobs only and for
   * evictions. An eviction's result completes with null when it is over.
   */
  record Flight(Source source, CompletableFuture<Metainfo> result, boolean eviction) {}

  private final SingleFlight.Shared<Digest, Flight> flights = new SingleFlight.Shared<>();

  /**
   * Makes {@code mine} the digest's flight, whose work the caller then does on its own thread, or
   * returns the flight already running.
   */
  Flight join(Digest digest, Flight mine) {
    return flights.join(digest, d -> mine, started -> {});
  }

  /** Whether some work on {@code digest} runs now. */
  boolean running(Digest digest) {
    return flights.current(digest).isPresent();
  }

  /** Ends the eviction {@code mine}, which {@link #join} made the digest's flight. */
  void endEviction(Digest digest, Flight mine) {
    flights.land(digest, mine);
    mine.result().complete(null);
  }

  /**
   * Runs {@code work} as the one thread working on {@code digest}, forgets the flight, and then
   * hands the result or failure to the threads waiting on it. Forgetting first means that a waiter
   * who starts over after a failure never finds the finished flight again.
   */
  Metainfo lead(Digest digest, Flight mine, Work work) throws SeederException {
    try {
      Metainfo result = work.run();
      flights.land(digest, mine);
      mine.result().complete(result);
      return result;
    } catch (UnknownUpstreamException | UpstreamBlobUnknownException e) {
      log.atInfo().addKeyValue("digest", digest).log("{}", e.getMessage());
      fail(digest, mine, e);
      throw e;
    } catch (SeederException e) {
      log.atWarn().addKeyValue("digest", digest).setCause(e).log("{}", e.getMessage());
      fail(digest, mine, e);
      throw e;
    } catch (RuntimeException | Error e) {
      log.atError().addKeyValue("digest", digest).setCause(e).log("work failed unexpectedly");
      fail(digest, mine, e);
      throw e;
    }
  }

  private void fail(Digest digest, Flight mine, Throwable failure) {
    flights.land(digest, mine);
    mine.result().completeExceptionally(failure);
  }

  /** The leader's result, or its failure with its type (for the HTTP mapping). */
  static Metainfo await(Flight leader, Digest digest) throws SeederException {
    try {
      return leader.result().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SeederException("interrupted while waiting for the fetch of " + digest, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SeederException seederException) {
        throw seederException; // the leader's failure, with its type, for the HTTP mapping
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new SeederException("the fetch of " + digest + " failed", cause);
    }
  }

  static void awaitEviction(Flight eviction, Digest digest) throws SeederException {
    try {
      eviction.result().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SeederException("interrupted while waiting for the eviction of " + digest, e);
    } catch (ExecutionException e) {
      // Evictions complete normally; nothing of theirs is ours to report.
    }
  }
}
