package io.layerswarm.tracker;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics}: Prometheus text exposition format 0.0.4. Rendered on the store pool,
 * because the gauges read the peer store; 503 when the pool is full.
 */
@ChannelHandler.Sharable
final class MetricsHandler extends RouteHandler {
  private static final Logger log = LoggerFactory.getLogger(MetricsHandler.class);
  private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private final TrackerMetrics metrics;
  private final StoreExecutor executor;

  MetricsHandler(TrackerMetrics metrics, StoreExecutor executor) {
    this.metrics = metrics;
    this.executor = executor;
  }

  @Override
  boolean matches(String path) {
    return "/metrics".equals(path);
  }

  @Override
  void handle(ChannelHandlerContext ctx, FullHttpRequest request, RequestTarget target) {
    executor
        .submit(metrics::prometheusText)
        .whenComplete(
            (text, error) -> {
              if (error == null) {
                ctx.writeAndFlush(
                    HttpResponses.bytes(
                        HttpResponseStatus.OK,
                        CONTENT_TYPE,
                        text.getBytes(StandardCharsets.UTF_8)));
              } else if (error instanceof RejectedExecutionException) {
                ctx.writeAndFlush(
                    HttpResponses.text(
                        HttpResponseStatus.SERVICE_UNAVAILABLE,
                        "busy: too many requests are waiting for the peer store"));
              } else {
                log.error("rendering /metrics failed", error);
                ctx.writeAndFlush(
                    HttpResponses.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error"));
              }
            });
  }
}
