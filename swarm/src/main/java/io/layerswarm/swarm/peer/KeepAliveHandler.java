package io.layerswarm.swarm.peer;

import io.layerswarm.swarm.wire.PeerMessage;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Turns idle events into BEP 3 liveness: sends a keep-alive when we have written nothing for a
 * while, and closes a connection that has been silent for longer than peers' keep-alive period
 * (BEP 3: keep-alives are "generally sent once every two minutes"). Stateless and sharable.
 */
@Sharable
final class KeepAliveHandler extends ChannelInboundHandlerAdapter {
  static final KeepAliveHandler INSTANCE = new KeepAliveHandler();

  private KeepAliveHandler() {}

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent idle) {
      if (idle.state() == IdleState.WRITER_IDLE) {
        ctx.writeAndFlush(new PeerMessage.KeepAlive(), ctx.voidPromise());
      } else if (idle.state() == IdleState.READER_IDLE) {
        ctx.close();
      }
      return;
    }
    super.userEventTriggered(ctx, evt);
  }
}
