package io.layerswarm.seeder.admin;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.layerswarm.core.Digest;
import io.layerswarm.core.ring.HealthChecker;
import io.layerswarm.core.ring.MemberHealth;
import io.layerswarm.core.ring.RingMembership;
import io.layerswarm.core.ring.SeederRing;
import io.layerswarm.core.ring.VersionedRing;
import io.layerswarm.proto.admin.PreheatProgress;
import io.layerswarm.proto.admin.PreheatRequest;
import io.layerswarm.proto.admin.SeederAdminGrpc;
import io.layerswarm.proto.admin.SeederBlob;
import io.layerswarm.proto.admin.SeederBlobList;
import io.layerswarm.proto.admin.SeederBlobsRequest;
import io.layerswarm.proto.admin.SeederEvictRequest;
import io.layerswarm.proto.admin.SeederEvictResponse;
import io.layerswarm.proto.admin.SeederRingMember;
import io.layerswarm.proto.admin.SeederRingRequest;
import io.layerswarm.proto.admin.SeederRingStatus;
import io.layerswarm.proto.admin.SetSeederRingRequest;
import io.layerswarm.registry.image.Platform;
import io.layerswarm.seeder.evict.EvictOutcome;
import io.layerswarm.seeder.evict.EvictionSettings;
import io.layerswarm.seeder.evict.EvictionTarget;
import io.layerswarm.seeder.preheat.PreheatEvent;
import io.layerswarm.seeder.preheat.PreheatListener;
import io.layerswarm.seeder.preheat.PreheatService;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code SeederAdmin} gRPC service ({@code seeder_admin.proto}); the one place where the
 * seeder's admin errors become gRPC statuses: a malformed argument is {@code INVALID_ARGUMENT}, a
 * failing store is {@code INTERNAL}. Calls block their gRPC executor thread (a preheat until its
 * last blob). Thread-safe.
 */
public final class SeederAdminService extends SeederAdminGrpc.SeederAdminImplBase {
  /**
   * Calls that may run at once on the admin server: calls block (a preheat until its last blob);
   * more queue.
   */
  public static final int THREADS = 8;

  private static final Logger log = LoggerFactory.getLogger(SeederAdminService.class);

  private final PreheatService preheat;
  private final BlobCatalog catalog;
  private final HealthChecker ring;
  private final URI self;

  /** Null: the ring cannot be changed here ({@code SetRing} is UNIMPLEMENTED). */
  private final RingMembership membership;

  /**
   * @param ring the seeder ring with its health (a ring of this seeder alone when none is
   *     configured)
   * @param self this seeder's id in the ring
   */
  public SeederAdminService(
      PreheatService preheat, BlobCatalog catalog, HealthChecker ring, URI self) {
    this(preheat, catalog, ring, self, null);
  }

  /**
   * @param membership the ring as it changes, which {@code SetRing} changes
   */
  public SeederAdminService(
      PreheatService preheat,
      BlobCatalog catalog,
      HealthChecker ring,
      URI self,
      RingMembership membership) {
    this.preheat = preheat;
    this.catalog = catalog;
    this.ring = ring;
    this.self = self;
    this.membership = membership;
  }

  @Override
  public void preheat(PreheatRequest request, StreamObserver<PreheatProgress> responses) {
    List<String> images = List.copyOf(request.getImagesList());
    Optional<Platform> platform;
    try {
      PreheatService.parse(images);
      platform =
          request.getPlatform().isEmpty()
              ? Optional.empty()
              : Optional.of(Platform.parse(request.getPlatform()));
    } catch (IllegalArgumentException e) {
      responses.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException());
      return;
    }
    ServerCallStreamObserver<PreheatProgress> call =
        (ServerCallStreamObserver<PreheatProgress>) responses;
    log.info(
        "preheat of {} ({}) requested",
        images,
        platform.map(Platform::toString).orElse("all platforms"));
    preheat.preheat(
        images,
        platform,
        new PreheatListener() {
          private boolean gone;

          @Override
          public void progress(PreheatEvent event) {
            if (gone) {
              return;
            }
            try {
              call.onNext(toProto(event));
            } catch (RuntimeException e) {
              gone = true; // the client cancelled; the preheat stops starting blobs
            }
          }

          @Override
          public boolean cancelled() {
            return gone || call.isCancelled();
          }
        });
    if (!call.isCancelled()) {
      call.onCompleted();
    }
  }

  static PreheatProgress toProto(PreheatEvent event) {
    return PreheatProgress.newBuilder()
        .setImage(event.image())
        .setDigest(event.digest().map(Digest::toString).orElse(""))
        .setBytesDone(event.bytesDone())
        .setBytesTotal(event.bytesTotal())
        .setState(event.state().label())
        .setMessage(event.message())
        .build();
  }

  @Override
  public void listBlobs(SeederBlobsRequest request, StreamObserver<SeederBlobList> responses) {
    List<BlobCatalog.Entry> blobs;
    try {
      blobs = catalog.blobs();
    } catch (IOException | RuntimeException e) {
      log.warn("listing blobs for the admin API failed", e);
      responses.onError(Status.INTERNAL.withDescription("list the blob store: " + e).asException());
      return;
    }
    EvictionSettings eviction = catalog.evictionSettings();
    SeederBlobList.Builder list =
        SeederBlobList.newBuilder()
            .setDiskHighWatermark(eviction.highWatermarkBytes())
            .setDiskLowWatermark(eviction.lowWatermarkBytes())
            .setTimeToIdleMillis(eviction.timeToIdle().toMillis());
    long stored = 0;
    for (BlobCatalog.Entry blob : blobs) {
      stored += blob.sizeBytes();
      list.addBlobs(
          SeederBlob.newBuilder()
              .setDigest(blob.digest().toString())
              .setSize(blob.sizeBytes())
              .setInfoHash(blob.infoHash().orElse(""))
              .setSeeding(blob.seeding())
              .setPeers(blob.peers())
              .setUploadedBytes(blob.uploadedBytes())
              .setLastAccessMillis(blob.lastAccess().map(Instant::toEpochMilli).orElse(0L)));
    }
    responses.onNext(list.setStoredBytes(stored).build());
    responses.onCompleted();
  }

  @Override
  public void evict(SeederEvictRequest request, StreamObserver<SeederEvictResponse> responses) {
    Optional<Digest> parsed = digest(request.getDigest(), responses);
    if (parsed.isEmpty()) {
      return;
    }
    Digest digest = parsed.get();
    EvictionTarget.Result result;
    try {
      result = catalog.evict(digest);
    } catch (IOException | RuntimeException e) {
      log.atWarn()
          .addKeyValue("digest", digest)
          .setCause(e)
          .log("evicting for the admin API failed");
      responses.onError(
          Status.INTERNAL.withDescription("evict " + digest + ": " + e).asException());
      return;
    }
    boolean evicted = result.outcome() == EvictOutcome.EVICTED;
    responses.onNext(
        SeederEvictResponse.newBuilder()
            .setEvicted(evicted)
            .setBytesFreed(result.bytesFreed())
            .setReason(evicted ? "" : result.outcome().reason())
            .build());
    responses.onCompleted();
  }

  @Override
  public void setRing(SetSeederRingRequest request, StreamObserver<SeederRingStatus> responses) {
    if (membership == null) {
      responses.onError(
          Status.UNIMPLEMENTED.withDescription("this seeder's ring cannot change").asException());
      return;
    }
    SeederRing next;
    try {
      List<URI> members = new java.util.ArrayList<>();
      for (String member : request.getMembersList()) {
        members.add(SeederRing.memberId(URI.create(member)));
      }
      next = SeederRing.of(members, request.getReplicas());
    } catch (IllegalArgumentException e) {
      responses.onError(
          Status.INVALID_ARGUMENT
              .withDescription("the ring is not valid: " + e.getMessage())
              .asException());
      return;
    }
    boolean changed = membership.set(next);
    log.info("admin SetRing: {}", changed ? "the ring changed" : "already that ring");
    responses.onNext(status().setChanged(changed).build());
    responses.onCompleted();
  }

  private SeederRingStatus.Builder status() {
    SeederRingStatus.Builder status =
        SeederRingStatus.newBuilder().setReplicas(ring.ring().replicas()).setSelf(self.toString());
    if (membership != null) {
      VersionedRing current = membership.current();
      status.setVersion(current.version()).setFingerprint(current.fingerprint());
    }
    for (MemberHealth member : ring.members()) {
      status.addMembers(
          SeederRingMember.newBuilder()
              .setId(member.id().toString())
              .setAlive(member.alive())
              .setConsecutiveFailures(member.consecutiveFailures())
              .setLastCheckMillis(member.lastCheck().map(Instant::toEpochMilli).orElse(0L))
              .setLastError(member.lastError().orElse("")));
    }
    return status;
  }

  @Override
  public void ring(SeederRingRequest request, StreamObserver<SeederRingStatus> responses) {
    SeederRingStatus.Builder status = status();
    if (!request.getDigest().isEmpty()) {
      Optional<Digest> parsed = digest(request.getDigest(), responses);
      if (parsed.isEmpty()) {
        return;
      }
      Digest digest = parsed.get();
      ring.ring().owners(digest).forEach(owner -> status.addOwners(owner.toString()));
      ring.liveOwners(digest).forEach(owner -> status.addLiveOwners(owner.toString()));
    }
    responses.onNext(status.build());
    responses.onCompleted();
  }

  /** The digest in a request; empty after answering {@code INVALID_ARGUMENT} when it is none. */
  private static Optional<Digest> digest(String text, StreamObserver<?> responses) {
    try {
      return Optional.of(Digest.parse(text));
    } catch (IllegalArgumentException e) {
      responses.onError(
          Status.INVALID_ARGUMENT
              .withDescription("digest must be sha256:<64 lowercase hex>: " + e.getMessage())
              .asException());
      return Optional.empty();
    }
  }
}
