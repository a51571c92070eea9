package io.layerswarm.cli.admin;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * A server-streaming admin call read on the calling thread: its messages, its failure or its end
 * arrive as {@link Event}s in order. Closing it cancels the call unless it ended, with the reason
 * given at the start; what the server does then (go on with a drain, stop starting blobs) is up to
 * its API. Not thread-safe: one command reads one call.
 *
 * @param <Q> the request
 * @param <R> a streamed message
 */
final class StreamingCall<Q, R> implements AutoCloseable {
  /** What the call sends next. */
  sealed interface Event<R> {}

  record Message<R>(R value) implements Event<R> {}

  /** The call failed; nothing follows. */
  record Failed<R>(StatusRuntimeException error) implements Event<R> {}

  /** The server ended the stream with OK; nothing follows. */
  record Ended<R>() implements Event<R> {}

  private final BlockingQueue<Event<R>> events = new LinkedBlockingQueue<>();
  private final AtomicReference<ClientCallStreamObserver<Q>> call = new AtomicReference<>();
  private final String cancelReason;
  private boolean ended;

  private StreamingCall(String cancelReason) {
    this.cancelReason = cancelReason;
  }

  /**
   * Starts {@code method} (a stub's streaming method, e.g. {@code stub::drain}) with {@code
   * request}.
   *
   * @param cancelReason why the call is cancelled when it is closed before its end
   */
  static <Q, R> StreamingCall<Q, R> start(
      BiConsumer<Q, StreamObserver<R>> method, Q request, String cancelReason) {
    StreamingCall<Q, R> streaming = new StreamingCall<>(cancelReason);
    method.accept(
        request,
        new ClientResponseObserver<Q, R>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<Q> stream) {
            streaming.call.set(stream);
          }

          @Override
          public void onNext(R value) {
            streaming.events.add(new Message<>(value));
          }

          @Override
          public void onError(Throwable t) {
            streaming.events.add(
                new Failed<>(
                    t instanceof StatusRuntimeException e
                        ? e
                        : Status.fromThrowable(t).asRuntimeException()));
          }

          @Override
          public void onCompleted() {
            streaming.events.add(new Ended<>());
          }
        });
    return streaming;
  }

  /** The next event, waiting at most {@code timeout}; empty when none came in that time. */
  Optional<Event<R>> next(Duration timeout) throws InterruptedException {
    Event<R> event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (event instanceof Failed<R> || event instanceof Ended<R>) {
      ended = true;
    }
    return Optional.ofNullable(event);
  }

  /** What a command that reads a stream to its end hands the messages to, on its own thread. */
  interface Listener<R> {
    void progress(R message);

    /** No message for a tick; lets a progress bar move its clock. */
    void idle();
  }

  /**
   * Runs {@code method} and hands every message to {@code listener}, on this thread, until the
   * stream ends. Leaving (an exception from the listener, or the deadline) cancels the call.
   *
   * @param rpc the method's name, for messages
   * @param tick how often {@link Listener#idle} runs while nothing arrives
   * @param goesOn what the server may still be doing when the stream broke off after progress
   * @throws ServiceException when the call fails; the message says whether progress had come
   */
  static <Q, R> void readToEnd(
      ServiceChannels server,
      String rpc,
      BiConsumer<Q, StreamObserver<R>> method,
      Q request,
      String cancelReason,
      Duration tick,
      String goesOn,
      Listener<R> listener)
      throws ServiceException {
    boolean any = false;
    try (StreamingCall<Q, R> call = start(method, request, cancelReason)) {
      while (true) {
        Optional<Event<R>> event;
        try {
          event = call.next(tick);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ServiceException(ServiceOptions.EXIT_ERROR, "interrupted during the " + rpc, e);
        }
        if (event.isEmpty()) {
          listener.idle();
        } else if (event.get() instanceof Message<R> message) {
          any = true;
          listener.progress(message.value());
        } else if (event.get() instanceof Failed<R> failed) {
          ServiceException failure = server.failure(rpc, failed.error());
          if (!any) {
            throw failure;
          }
          throw new ServiceException(
              failure.exitCode(),
              "the " + rpc + " stream broke off: " + failure.getMessage() + " (" + goesOn + ")",
              failed.error());
        } else {
          return;
        }
      }
    }
  }

  /** Cancels the call unless it ended. */
  @Override
  public void close() {
    ClientCallStreamObserver<Q> stream = call.get();
    if (!ended && stream != null) {
      stream.cancel(cancelReason, null);
    }
  }
}
