package io.layerswarm.tracker.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;

/** The last route: 404 for any request no endpoint took. */
@ChannelHandler.Sharable
final class NotFoundHandler extends ChannelInboundHandlerAdapter {
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof FullHttpRequest) {
        ctx.writeAndFlush(HttpResponses.text(HttpResponseStatus.NOT_FOUND, "not found"));
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }
}
