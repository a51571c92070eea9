package io.layerswarm.agent.mirror;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read into memory up to a limit: a declared {@code Content-Length} over the limit
 * is refused before a byte is read, and a body that grows past it is cancelled as soon as it does,
 * so a misbehaving tracker cannot make the agent buffer more than the limit. Fails with {@link
 * TooLargeException}.
 */
final class LimitedBody implements HttpResponse.BodyHandler<byte[]> {
  /** A body over the limit; the message names the limit. */
  static final class TooLargeException extends IOException {
    TooLargeException(String message) {
      super(message);
    }
  }

  private final int maxBytes;

  LimitedBody(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public BodySubscriber<byte[]> apply(HttpResponse.ResponseInfo info) {
    OptionalLong declared = info.headers().firstValueAsLong("Content-Length");
    if (declared.isPresent() && declared.getAsLong() > maxBytes) {
      return new Collector(maxBytes, "declares " + declared.getAsLong() + " bytes");
    }
    return new Collector(maxBytes, null);
  }

  /** Collects up to the limit; cancels the subscription past it. Called by one thread at a time. */
  private static final class Collector implements BodySubscriber<byte[]> {
    private final int maxBytes;
    private final String refused;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    Collector(int maxBytes, String refused) {
      this.maxBytes = maxBytes;
      this.refused = refused;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      if (refused != null) {
        tooLarge(refused);
        subscription.cancel();
        return;
      }
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer buffer : buffers) {
        if (bytes.size() + (long) buffer.remaining() > maxBytes) {
          tooLarge("is longer");
          subscription.cancel();
          return;
        }
        byte[] chunk = new byte[buffer.remaining()];
        buffer.get(chunk);
        bytes.writeBytes(chunk);
      }
    }

    @Override
    public void onError(Throwable error) {
      result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toByteArray());
    }

    private void tooLarge(String what) {
      result.completeExceptionally(
          new TooLargeException("the body " + what + " than the limit of " + maxBytes + " bytes"));
    }
  }
}
