package io.layerswarm.swarm.channel;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Closes a connection that has been silent for longer than peers' keep-alive period (BEP 3:
 * keep-alives are "generally sent once every two minutes"). Our own keep-alives are sent by {@link
 * io.layerswarm.swarm.peer.Peer#tick}. Stateless and sharable.
 */
@Sharable
final class KeepAliveHandler extends ChannelInboundHandlerAdapter {
  static final KeepAliveHandler INSTANCE = new KeepAliveHandler();

  private KeepAliveHandler() {}

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent idle) {
      if (idle.state() == IdleState.READER_IDLE) {
        ctx.close();
      }
      return;
    }
    super.userEventTriggered(ctx, evt);
  }
}
