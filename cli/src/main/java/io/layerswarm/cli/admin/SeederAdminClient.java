package io.layerswarm.cli.admin;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** The seeder's admin API ({@code seeder_admin.proto}) over {@link ServiceChannels}. */
final class SeederAdminClient {
  private static final Object END_OF_STREAM = new Object();

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
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    AtomicReference<ClientCallStreamObserver<PreheatRequest>> call = new AtomicReference<>();
    SeederAdminGrpc.SeederAdminStub stub = SeederAdminGrpc.newStub(server.channel());
    if (deadline.isPresent()) {
      stub = stub.withDeadlineAfter(deadline.get().toMillis(), TimeUnit.MILLISECONDS);
    }
    stub.preheat(
        request,
        new ClientResponseObserver<PreheatRequest, PreheatProgress>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<PreheatRequest> stream) {
            call.set(stream);
          }

          @Override
          public void onNext(PreheatProgress value) {
            events.add(value);
          }

          @Override
          public void onError(Throwable t) {
            events.add(t);
          }

          @Override
          public void onCompleted() {
            events.add(END_OF_STREAM);
          }
        });
    boolean any = false;
    boolean ended = false;
    try {
      while (true) {
        Object event;
        try {
          event = events.poll(tick.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ServiceException(
              ServiceOptions.EXIT_ERROR, "interrupted during the preheat", e);
        }
        if (event == null) {
          listener.idle();
        } else if (event instanceof PreheatProgress p) {
          any = true;
          listener.progress(p);
        } else if (event instanceof Throwable t) {
          ended = true;
          StatusRuntimeException e =
              t instanceof StatusRuntimeException s
                  ? s
                  : io.grpc.Status.fromThrowable(t).asRuntimeException();
          ServiceException failure = server.failure("Preheat", e);
          if (!any) {
            throw failure;
          }
          throw new ServiceException(
              failure.exitCode(),
              "the preheat stream broke off: "
                  + failure.getMessage()
                  + " (the seeder may still be fetching what it started)",
              e);
        } else {
          ended = true;
          return;
        }
      }
    } finally {
      ClientCallStreamObserver<PreheatRequest> stream = call.get();
      if (!ended && stream != null) {
        stream.cancel("the preheat command left", null);
      }
    }
  }
}
