package io.layerswarm.cli.admin;

import io.layerswarm.core.Digest;
import io.layerswarm.proto.admin.PreheatProgress;
import io.layerswarm.proto.admin.PreheatRequest;
import io.layerswarm.proto.admin.SeederAdminGrpc;
import io.layerswarm.proto.admin.SeederBlobList;
import io.layerswarm.proto.admin.SeederBlobsRequest;
import io.layerswarm.proto.admin.SeederEvictRequest;
import io.layerswarm.proto.admin.SeederEvictResponse;
import io.layerswarm.proto.admin.SeederRingRequest;
import io.layerswarm.proto.admin.SeederRingStatus;
import io.layerswarm.proto.admin.SetSeederRingRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The seeder's admin API ({@code seeder_admin.proto}) over {@link ServiceChannels}. */
final class SeederAdminClient {
  private final ServiceChannels server;

  SeederAdminClient(ServiceChannels server) {
    this.server = server;
  }

  private SeederAdminGrpc.SeederAdminBlockingStub blocking() {
    return SeederAdminGrpc.newBlockingStub(server.channel())
        .withDeadlineAfter(ServiceChannels.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  SeederBlobList blobs() throws ServiceException {
    return server.call(
        "ListBlobs", () -> blocking().listBlobs(SeederBlobsRequest.getDefaultInstance()));
  }

  SeederEvictResponse evict(Digest digest) throws ServiceException {
    return server.call(
        "Evict",
        () ->
            blocking().evict(SeederEvictRequest.newBuilder().setDigest(digest.toString()).build()));
  }

  SeederRingStatus ring(Optional<Digest> digest) throws ServiceException {
    return server.call(
        "Ring",
        () ->
            blocking()
                .ring(
                    SeederRingRequest.newBuilder()
                        .setDigest(digest.map(Digest::toString).orElse(""))
                        .build()));
  }

  SeederRingStatus setRing(List<String> members, int replicas) throws ServiceException {
    return server.call(
        "SetRing",
        () ->
            blocking()
                .setRing(
                    SetSeederRingRequest.newBuilder()
                        .addAllMembers(members)
                        .setReplicas(replicas)
                        .build()));
  }

  /** What a preheat stream hands to the command: messages, and quiet ticks. */
  interface PreheatListener extends StreamingCall.Listener<PreheatProgress> {}

  /**
   * Runs a preheat and hands every message to {@code listener}, on this thread, until the stream
   * ends. Leaving (an exception from the listener, or the deadline) cancels the call, and the
   * seeder stops starting blobs.
   *
   * @param deadline the whole preheat's, if any
   * @param tick how often {@link PreheatListener#idle} runs while nothing arrives
   * @throws ServiceException when the call fails; the message says whether progress had come
   */
  void preheat(
      PreheatRequest request, Optional<Duration> deadline, Duration tick, PreheatListener listener)
      throws ServiceException {
    SeederAdminGrpc.SeederAdminStub stub = SeederAdminGrpc.newStub(server.channel());
    if (deadline.isPresent()) {
      stub = stub.withDeadlineAfter(deadline.get().toMillis(), TimeUnit.MILLISECONDS);
    }
    StreamingCall.readToEnd(
        server,
        "Preheat",
        stub::preheat,
        request,
        "the preheat command left",
        tick,
        "the seeder may still be fetching what it started",
        listener);
  }
}
