package io.layerswarm.tracker;

import io.layerswarm.tracker.peerstore.PeerStore;
import io.layerswarm.tracker.peerstore.PeerStoreUnavailableException;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@code GET /healthz}: 200 {@code ok} when the peer store answers its {@linkplain
 * PeerStore#check() check}; else 503 with the reason as text, e.g. {@code peer store unavailable:
 * ping in redis://10.0.0.5:6379/0 failed: Connection refused}. The check runs on the store pool,
 * like every store call.
 */
@ChannelHandler.Sharable
final class HealthHandler extends RouteHandler {
  private final PeerStore store;
  private final StoreExecutor executor;

  HealthHandler(PeerStore store, StoreExecutor executor) {
    this.store = store;
    this.executor = executor;
  }

  @Override
  boolean matches(String path) {
    return "/healthz".equals(path);
  }

  @Override
  void handle(ChannelHandlerContext ctx, FullHttpRequest request, RequestTarget target) {
    executor
        .submit(
            () -> {
              store.check();
              return Boolean.TRUE;
            })
        .whenComplete(
            (ok, error) ->
                ctx.writeAndFlush(
                    error == null
                        ? HttpResponses.text(HttpResponseStatus.OK, "ok")
                        : HttpResponses.text(
                            HttpResponseStatus.SERVICE_UNAVAILABLE, reason(error))));
  }

  private static String reason(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof PeerStoreUnavailableException) {
      return "peer store unavailable: " + cause.getMessage();
    }
    if (cause instanceof RejectedExecutionException) {
      return "busy: too many requests are waiting for the peer store";
    }
    return "health check failed: " + cause;
  }
}
