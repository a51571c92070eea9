package io.layerswarm.tracker.admin;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.proto.admin.FleetPreheatProgress;
import io.layerswarm.proto.admin.FleetPreheatRequest;
import io.layerswarm.proto.admin.TrackerAdminGrpc;
import io.layerswarm.proto.admin.TrackerHealth;
import io.layerswarm.proto.admin.TrackerHealthRequest;
import io.layerswarm.proto.admin.TrackerPeer;
import io.layerswarm.proto.admin.TrackerPeerList;
import io.layerswarm.proto.admin.TrackerPeersRequest;
import io.layerswarm.proto.admin.TrackerSwarm;
import io.layerswarm.proto.admin.TrackerSwarmList;
import io.layerswarm.proto.admin.TrackerSwarmsRequest;
import io.layerswarm.tracker.peerstore.InMemoryPeerStore;
import io.layerswarm.tracker.peerstore.PeerEntry;
import io.layerswarm.tracker.peerstore.PeerStore;
import io.layerswarm.tracker.peerstore.PeerStoreUnavailableException;
import io.layerswarm.tracker.peerstore.RedisPeerStore;
import io.layerswarm.tracker.peerstore.StoreStats;
import io.layerswarm.tracker.peerstore.SwarmCounts;
import io.layerswarm.tracker.peerstore.SwarmSummary;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code TrackerAdmin} gRPC service ({@code tracker_admin.proto}), and the one place where its
 * failures become gRPC statuses. Every peer-store call runs on the tracker's store pool (as
 * announces do), never on a gRPC or Netty thread; the service methods only submit and return, and
 * answer when the store call completes. Thread-safe.
 *
 * <p>Statuses: a malformed argument is {@code INVALID_ARGUMENT}; a digest this tracker cannot map
 * to a swarm is {@code NOT_FOUND}; a store that is down is {@code UNAVAILABLE} with the trailer
 * {@value #UNAVAILABLE_TRAILER}{@code : peer-store} (so that a client can tell it from a tracker it
 * cannot reach); a full store pool is {@code RESOURCE_EXHAUSTED}.
 */
public final class TrackerAdminService extends TrackerAdminGrpc.TrackerAdminImplBase {
  /**
   * Calls that may run at once on the admin server: the service only submits to the store pool, so
   * two threads are plenty.
   */
  public static final int THREADS = 2;

  /** Lists hold this many entries unless the request asks for another limit. */
  public static final int DEFAULT_LIMIT = 1000;

  /** The largest limit a request may ask for (the reply stays far below gRPC's 4 MiB). */
  public static final int MAX_LIMIT = 10_000;

  /** Trailer on {@code UNAVAILABLE} answers that the tracker sent itself. */
  public static final String UNAVAILABLE_TRAILER = "layerswarm-unavailable";

  static final Metadata.Key<String> UNAVAILABLE_KEY =
      Metadata.Key.of(UNAVAILABLE_TRAILER, Metadata.ASCII_STRING_MARSHALLER);
  private static final Pattern INFO_HASH = Pattern.compile("[0-9a-fA-F]{40}");
  private static final Logger log = LoggerFactory.getLogger(TrackerAdminService.class);

  /** Where store calls run: the tracker's bounded store pool. */
  @FunctionalInterface
  public interface StoreCalls {
    /**
     * Runs {@code call} off the caller's thread. The future fails with {@link
     * RejectedExecutionException} when the pool is full or closed. Never blocks.
     */
    <T> CompletableFuture<T> submit(Callable<T> call);
  }

  private final PeerStore store;
  private final StoreCalls calls;
  private final InstantSource clock;
  private final DigestIndex digests;
  private final String listen;
  private final boolean signatureRequired;
  private final Optional<FleetPreheats> fleet;

  /**
   * @param digests the digests of the metainfo this tracker served
   * @param listen the tracker's announce address, {@code host:port}, for {@code Health}
   * @param signatureRequired whether member requests must be signed with the cluster secret, for
   *     {@code Health}
   */
  public TrackerAdminService(
      PeerStore store,
      StoreCalls calls,
      InstantSource clock,
      DigestIndex digests,
      String listen,
      boolean signatureRequired) {
    this(store, calls, clock, digests, listen, signatureRequired, Optional.empty());
  }

  /** As above, and {@code FleetPreheat} through {@code fleet} (else UNIMPLEMENTED). */
  public TrackerAdminService(
      PeerStore store,
      StoreCalls calls,
      InstantSource clock,
      DigestIndex digests,
      String listen,
      boolean signatureRequired,
      Optional<FleetPreheats> fleet) {
    this.fleet = fleet;
    this.store = store;
    this.calls = calls;
    this.clock = clock;
    this.digests = digests;
    this.listen = listen;
    this.signatureRequired = signatureRequired;
  }

  @Override
  public void fleetPreheat(
      FleetPreheatRequest request, StreamObserver<FleetPreheatProgress> responses) {
    if (fleet.isEmpty()) {
      responses.onError(
          Status.UNIMPLEMENTED.withDescription("fleet preheat is off here").asException());
      return;
    }
    fleet.get().run(request, responses);
  }

  @Override
  public void swarms(TrackerSwarmsRequest request, StreamObserver<TrackerSwarmList> responses) {
    int limit;
    try {
      limit = limit(request.getLimit());
    } catch (IllegalArgumentException e) {
      responses.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException());
      return;
    }
    Instant now = clock.instant();
    answer(
        responses,
        "list swarms",
        () -> store.swarms(now),
        swarms -> {
          List<SwarmSummary> sorted =
              swarms.stream()
                  .sorted(
                      Comparator.comparingInt(SwarmSummary::peers)
                          .reversed()
                          .thenComparing(s -> s.infoHash().hex()))
                  .limit(limit)
                  .toList();
          TrackerSwarmList.Builder list =
              TrackerSwarmList.newBuilder()
                  .setTotalSwarms(swarms.size())
                  .setPeerStore(kind())
                  .setNowMillis(now.toEpochMilli());
          for (SwarmSummary swarm : sorted) {
            list.addSwarms(
                TrackerSwarm.newBuilder()
                    .setInfoHash(swarm.infoHash().hex())
                    .setDigest(digests.digest(swarm.infoHash()).map(Digest::toString).orElse(""))
                    .setSeeds(swarm.counts().complete())
                    .setLeechers(swarm.counts().incomplete())
                    .setDownloaded(swarm.counts().downloaded()));
          }
          return list.build();
        });
  }

  private record PeersAnswer(List<PeerEntry> peers, SwarmCounts counts) {}

  @Override
  public void peers(TrackerPeersRequest request, StreamObserver<TrackerPeerList> responses) {
    int limit;
    InfoHash infoHash;
    Digest digest;
    try {
      limit = limit(request.getLimit());
      boolean byHash = !request.getInfoHash().isEmpty();
      boolean byDigest = !request.getDigest().isEmpty();
      if (byHash == byDigest) {
        throw new IllegalArgumentException(
            "name the swarm by exactly one of info_hash and" + " digest");
      }
      if (byHash) {
        if (!INFO_HASH.matcher(request.getInfoHash()).matches()) {
          throw new IllegalArgumentException(
              "info_hash must be 40 hex characters: '" + request.getInfoHash() + "'");
        }
        infoHash = InfoHash.fromHex(request.getInfoHash().toLowerCase(Locale.ROOT));
        digest = digests.digest(infoHash).orElse(null);
      } else {
        try {
          digest = Digest.parse(request.getDigest());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "digest must be sha256:<64 lowercase hex>: " + e.getMessage(), e);
        }
        infoHash = digests.infoHash(digest).orElse(null);
      }
    } catch (IllegalArgumentException e) {
      responses.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException());
      return;
    }
    if (infoHash == null) {
      responses.onError(
          Status.NOT_FOUND
              .withDescription(
                  "this tracker has served no metainfo"
                      + " for "
                      + digest
                      + " since it started, so it does not know its swarm; name the"
                      + " swarm by info hash (the agent's `layerswarm torrents --json` shows it)")
              .asException());
      return;
    }
    Instant now = clock.instant();
    InfoHash swarm = infoHash;
    Digest known = digest;
    answer(
        responses,
        "list peers of swarm " + swarm.hex(),
        () -> new PeersAnswer(store.peers(swarm, now, limit), store.counts(swarm, now)),
        answer -> {
          TrackerPeerList.Builder list =
              TrackerPeerList.newBuilder()
                  .setInfoHash(swarm.hex())
                  .setDigest(known == null ? "" : known.toString())
                  .setTotalPeers(
                      Math.max(
                          answer.peers().size(),
                          answer.counts().complete() + answer.counts().incomplete()))
                  .setDownloaded(answer.counts().downloaded())
                  .setNowMillis(now.toEpochMilli());
          for (PeerEntry entry : answer.peers()) {
            list.addPeers(
                TrackerPeer.newBuilder()
                    .setPeerId(java.util.HexFormat.of().formatHex(entry.peer().id().bytes()))
                    .setAddress(entry.peer().address().toString())
                    .setComplete(entry.peer().complete())
                    .setZone(entry.peer().topology().zone().orElse(""))
                    .setRack(entry.peer().topology().rack().orElse(""))
                    .setExpiresInMillis(
                        Math.max(0, Duration.between(now, entry.expiresAt()).toMillis())));
          }
          return list.build();
        });
  }

  @Override
  public void health(TrackerHealthRequest request, StreamObserver<TrackerHealth> responses) {
    Instant now = clock.instant();
    TrackerHealth.Builder health =
        TrackerHealth.newBuilder()
            .setPeerStore(kind())
            .setPeerStoreLocation(store instanceof RedisPeerStore redis ? redis.location() : "")
            .setListen(listen)
            .setSignatureRequired(signatureRequired)
            .setNowMillis(now.toEpochMilli());
    calls
        .submit(
            () -> {
              store.check();
              return store.stats(now);
            })
        .whenComplete(
            (StoreStats stats, Throwable error) -> {
              if (error == null) {
                health.setUp(true).setSwarms(stats.swarms()).setPeers(stats.peers());
              } else {
                health.setUp(false).setReason(reason(unwrap(error)));
              }
              try {
                responses.onNext(health.build());
                responses.onCompleted();
              } catch (RuntimeException e) {
                log.debug("admin Health caller went away: {}", e.toString());
              }
            });
  }

  /** {@code "memory"}, {@code "redis"}, or the class name of another store. */
  private String kind() {
    if (store instanceof RedisPeerStore) {
      return "redis";
    }
    if (store instanceof InMemoryPeerStore) {
      return "memory";
    }
    return store.getClass().getSimpleName();
  }

  private static int limit(int requested) {
    if (requested < 0 || requested > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "limit must be 0 (default " + DEFAULT_LIMIT + ") to " + MAX_LIMIT + ", got " + requested);
    }
    return requested == 0 ? DEFAULT_LIMIT : requested;
  }

  /** Runs {@code read} on the store pool, then answers with {@code reply} or the error status. */
  private <T, R> void answer(
      StreamObserver<R> responses, String action, Callable<T> read, Function<T, R> reply) {
    calls
        .submit(read)
        .whenComplete(
            (result, error) -> {
              try {
                if (error == null) {
                  responses.onNext(reply.apply(result));
                  responses.onCompleted();
                } else {
                  responses.onError(status(action, unwrap(error)));
                }
              } catch (RuntimeException e) {
                log.debug("admin caller of {} went away: {}", action, e.toString());
              }
            });
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }

  private static String reason(Throwable cause) {
    if (cause instanceof PeerStoreUnavailableException) {
      return "peer store unavailable: " + cause.getMessage();
    }
    if (cause instanceof RejectedExecutionException) {
      return "busy: too many requests are waiting for the peer store";
    }
    return "health check failed: " + cause;
  }

  private static Exception status(String action, Throwable cause) {
    if (cause instanceof PeerStoreUnavailableException) {
      Metadata trailers = new Metadata();
      trailers.put(UNAVAILABLE_KEY, "peer-store");
      return Status.UNAVAILABLE
          .withDescription("peer store unavailable: " + cause.getMessage())
          .asException(trailers);
    }
    if (cause instanceof RejectedExecutionException) {
      return Status.RESOURCE_EXHAUSTED
          .withDescription("tracker busy: too many requests are waiting for the peer store; retry")
          .asException();
    }
    if (cause instanceof UnsupportedOperationException) {
      return Status.UNIMPLEMENTED.withDescription(action + ": " + cause.getMessage()).asException();
    }
    log.warn("admin call failed: {}", action, cause);
    return Status.INTERNAL.withDescription(action + " failed: " + cause).asException();
  }
}
