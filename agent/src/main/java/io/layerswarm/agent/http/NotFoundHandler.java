package io.layerswarm.agent.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The end of the metrics-only pipeline: every request that is not a scrape gets 404, so the
 * registry API is never reachable on {@code agent.metrics-listen}. Runs on the event loop.
 */
final class NotFoundHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    ctx.writeAndFlush(
        MetricsHandler.text(
            HttpResponseStatus.NOT_FOUND,
            "this address serves only " + MetricsHandler.PATH,
            HttpMethod.HEAD.equals(request.method())));
  }
}
