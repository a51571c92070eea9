package io.layerswarm.tracker;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/** {@code GET /metrics}: Prometheus text exposition format 0.0.4. */
@ChannelHandler.Sharable
final class MetricsHandler extends RouteHandler {
  private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private final TrackerMetrics metrics;

  MetricsHandler(TrackerMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  boolean matches(String path) {
    return "/metrics".equals(path);
  }

  @Override
  void handle(ChannelHandlerContext ctx, FullHttpRequest request, RequestTarget target) {
    byte[] body = metrics.prometheusText().getBytes(StandardCharsets.UTF_8);
    ctx.writeAndFlush(HttpResponses.bytes(HttpResponseStatus.OK, CONTENT_TYPE, body));
  }
}
