package io.layerswarm.agent.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

/**
 * Aggregates each request into one {@link FullHttpRequest} of at most {@code maxContentLength} body
 * bytes, and never answers anything itself: every answer must leave in request order (HTTP/1.1
 * pipelining), which only the handlers behind keep. A request whose body is too large goes on as a
 * request whose decoder result is a {@link TooLongFrameException} (the router refuses it with 413,
 * in its turn) and the last request of its connection (its body may be unread), and what follows is
 * dropped. No {@code 100 Continue}: no registry route takes a body, so the final answer comes
 * without it. Netty's aggregator wrote its 100, 413 and 417 at once, ahead of the answers still
 * owed to the requests before. Runs on the channel's event loop.
 */
final class RequestAggregator extends HttpObjectAggregator {
  /** A body was too large: its request is the last that goes on (the connection closes). */
  private boolean tooLarge;

  RequestAggregator(int maxContentLength) {
    super(maxContentLength);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (tooLarge) {
      ReferenceCountUtil.release(msg);
      return;
    }
    super.channelRead(ctx, msg);
  }

  @Override
  protected Object newContinueResponse(
      HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    return null;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    if (!(oversized instanceof HttpRequest request)) {
      ctx.close();
      return;
    }
    tooLarge = true;
    // The aggregator releases the oversized message after this: keep what the answer needs.
    FullHttpRequest tooLarge =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(), request.uri());
    tooLarge.headers().set(request.headers());
    tooLarge.setDecoderResult(
        DecoderResult.failure(
            new TooLongFrameException("request body is larger than " + maxContentLength())));
    ctx.fireChannelRead(tooLarge);
  }
}
