package io.layerswarm.agent.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The end of the metrics-only pipeline: every request that is not a scrape gets 404, so the
 * registry API is never reachable on {@code agent.metrics-listen}; bytes that were no request get
 * their 4xx, and the connection closes. Runs on the event loop.
 */
final class NotFoundHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (request.decoderResult().isFailure()) {
      RegistryRequest.Malformed malformed =
          RequestSizeGuard.refusal(
              request.method() + " " + request.uri(), request.decoderResult().cause());
      ctx.writeAndFlush(Responses.text(malformed.status(), malformed.message()))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.writeAndFlush(
        MetricsHandler.text(
            HttpResponseStatus.NOT_FOUND,
            "this address serves only " + MetricsHandler.PATH,
            HttpMethod.HEAD.equals(request.method())));
  }
}
