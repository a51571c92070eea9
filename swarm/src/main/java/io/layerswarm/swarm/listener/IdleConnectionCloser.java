package io.layerswarm.swarm.listener;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Closes a keep-alive connection that has been idle (an {@link IdleStateEvent} from the {@code
 * IdleStateHandler} in front of it) while no request is being answered. A request that waits (a
 * tracker's metainfo from a seeder, a blob still arriving) keeps its connection open however long
 * it is silent. Place it right after the HTTP codec, so it sees requests as they are decoded and
 * every response's last content as it is encoded. One instance per channel; runs on its event loop.
 */
public final class IdleConnectionCloser extends ChannelDuplexHandler {
  private int inFlight;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest) {
      inFlight++;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof LastHttpContent && inFlight > 0) {
      inFlight--;
    }
    ctx.write(msg, promise);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      if (inFlight == 0) {
        ctx.close();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }
}
