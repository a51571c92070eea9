package io.layerswarm.tracker.http;

import io.layerswarm.tracker.peerstore.PeerStore;
import io.layerswarm.tracker.peerstore.PeerStoreUnavailableException;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain {@code GET} endpoint answered by one call on the store pool, like every call that reads
 * the peer store: {@code /healthz} and {@code /metrics}.
 */
@ChannelHandler.Sharable
final class StoreQueryHandler extends RouteHandler {
  private static final Logger log = LoggerFactory.getLogger(StoreQueryHandler.class);
  private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";
  private static final String BUSY = "busy: too many requests are waiting for the peer store";

  private final String path;
  private final Callable<FullHttpResponse> answer;
  private final Function<Throwable, FullHttpResponse> failure;
  private final BoundedExecutor executor;

  private StoreQueryHandler(
      String path,
      Callable<FullHttpResponse> answer,
      Function<Throwable, FullHttpResponse> failure,
      BoundedExecutor executor) {
    this.path = path;
    this.answer = answer;
    this.failure = failure;
    this.executor = executor;
  }

  /**
   * {@code GET /healthz}: 200 {@code ok} when the tracker's threads work ({@code liveness} reports
   * no problem: no dead or stuck event loop, no stopped pool) and the peer store answers its
   * {@linkplain PeerStore#check() check}; else 503 with the reason as text, e.g. {@code peer store
   * unavailable: ping in redis://10.0.0.5:6379/0 failed: Connection refused}.
   */
  static StoreQueryHandler health(
      PeerStore store, BoundedExecutor executor, Supplier<List<String>> liveness) {
    return new StoreQueryHandler(
        "/healthz",
        () -> {
          List<String> problems = liveness.get();
          if (!problems.isEmpty()) {
            return HttpResponses.text(
                HttpResponseStatus.SERVICE_UNAVAILABLE, String.join("; ", problems));
          }
          store.check();
          return HttpResponses.text(HttpResponseStatus.OK, "ok");
        },
        error -> HttpResponses.text(HttpResponseStatus.SERVICE_UNAVAILABLE, healthFailure(error)),
        executor);
  }

  /**
   * {@code GET /metrics}: Prometheus text exposition format 0.0.4, rendered on the store pool
   * because the gauges read the peer store; 503 when the pool is full.
   */
  static StoreQueryHandler metrics(TrackerMetrics metrics, BoundedExecutor executor) {
    return new StoreQueryHandler(
        "/metrics",
        () ->
            HttpResponses.bytes(
                HttpResponseStatus.OK,
                PROMETHEUS,
                metrics.prometheusText().getBytes(StandardCharsets.UTF_8)),
        StoreQueryHandler::metricsFailure,
        executor);
  }

  @Override
  boolean matches(String path) {
    return this.path.equals(path);
  }

  @Override
  void handle(ChannelHandlerContext ctx, FullHttpRequest request, RequestTarget target) {
    executor
        .submit(answer)
        .whenComplete(
            (response, error) ->
                ctx.writeAndFlush(error == null ? response : failure.apply(error)));
  }

  private static String healthFailure(Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof PeerStoreUnavailableException) {
      return "peer store unavailable: " + cause.getMessage();
    }
    if (cause instanceof RejectedExecutionException) {
      return BUSY;
    }
    return "health check failed: " + cause;
  }

  private static FullHttpResponse metricsFailure(Throwable error) {
    if (error instanceof RejectedExecutionException) {
      return HttpResponses.text(HttpResponseStatus.SERVICE_UNAVAILABLE, BUSY);
    }
    log.error("rendering /metrics failed", error);
    return HttpResponses.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error");
  }
}
