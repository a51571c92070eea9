package io.layerswarm.agent.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * Answers the registry requests that need no mirror: the API version check ({@code /v2/}: an empty
 * JSON object), the requests the router refused (their OCI error), and the bytes that were no
 * request (plain text, then the connection closes). Passes the rest on. Runs on the channel's event
 * loop only.
 */
final class FixedAnswers extends ChannelInboundHandlerAdapter {
  private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.UTF_8);

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof RegistryRequest.Base base) {
      ctx.writeAndFlush(
          Responses.full(HttpResponseStatus.OK, "application/json", EMPTY_JSON, base.head()));
    } else if (msg instanceof RegistryRequest.Malformed malformed) {
      ctx.writeAndFlush(Responses.text(malformed.status(), malformed.message()))
          .addListener(ChannelFutureListener.CLOSE);
    } else if (msg instanceof RegistryRequest.Refused refused) {
      ctx.writeAndFlush(Responses.error(refused.error(), refused.head()));
    } else {
      ctx.fireChannelRead(msg);
    }
  }
}
