package io.layerswarm.tracker;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/** {@code GET /healthz}: 200 "ok" while the server accepts requests. */
@ChannelHandler.Sharable
final class HealthHandler extends RouteHandler {
  @Override
  boolean matches(String path) {
    return "/healthz".equals(path);
  }

  @Override
  void handle(ChannelHandlerContext ctx, FullHttpRequest request, RequestTarget target) {
    ctx.writeAndFlush(HttpResponses.text(HttpResponseStatus.OK, "ok"));
  }
}
