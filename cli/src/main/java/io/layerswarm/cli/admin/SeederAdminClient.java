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
import java.time.Duration;
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

  /** What a preheat stream hands to the command: messages, and quiet ticks. */
  interface PreheatListener {
    void progress(PreheatProgress progress);

    /** No message for {@code tick}; lets a progress bar move its clock. */
    void idle();
  }

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
    boolean any = false;
    try (StreamingCall<PreheatRequest, PreheatProgress> preheat =
        StreamingCall.start(stub::preheat, request, "the preheat command left")) {
      while (true) {
        Optional<StreamingCall.Event<PreheatProgress>> event;
        try {
          event = preheat.next(tick);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ServiceException(
              ServiceOptions.EXIT_ERROR, "interrupted during the preheat", e);
        }
        if (event.isEmpty()) {
          listener.idle();
        } else if (event.get() instanceof StreamingCall.Message<PreheatProgress> message) {
          any = true;
          listener.progress(message.value());
        } else if (event.get() instanceof StreamingCall.Failed<PreheatProgress> failed) {
          ServiceException failure = server.failure("Preheat", failed.error());
          if (!any) {
            throw failure;
          }
          throw new ServiceException(
              failure.exitCode(),
              "the preheat stream broke off: "
                  + failure.getMessage()
                  + " (the seeder may still be fetching what it started)",
              failed.error());
        } else {
          return;
        }
      }
    }
  }
}
