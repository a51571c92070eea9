package io.layerswarm.tracker.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One endpoint: takes the requests whose path it {@linkplain #matches matches} and passes every
 * other message on. Only GET is served; another method on a matching path gets 405, and an
 * unexpected exception from {@link #handle} a 500 and a closed connection. The request is released
 * after {@link #handle} returns, so an asynchronous handler copies what it needs.
 */
abstract class RouteHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(RouteHandler.class);

  abstract boolean matches(String path);

  /** Runs on the channel's event loop; must not block. */
  abstract void handle(ChannelHandlerContext ctx, FullHttpRequest request, RequestTarget target);

  @Override
  public final void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    RequestTarget target = RequestTarget.of(request.uri());
    if (!matches(target.path())) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      if (!HttpMethod.GET.equals(request.method())) {
        FullHttpResponse response =
            HttpResponses.text(
                HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET is allowed on " + target.path());
        response.headers().set(HttpHeaderNames.ALLOW, HttpMethod.GET.name());
        ctx.writeAndFlush(response);
        return;
      }
      handle(ctx, request, target);
    } catch (RuntimeException e) {
      log.error("{} {} failed", request.method(), target.path(), e);
      ctx.writeAndFlush(
          HttpResponses.closing(
              HttpResponses.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error")));
    } finally {
      request.release();
    }
  }
}
