package io.layerswarm.agent.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Lets the handlers behind it answer one request of a connection at a time, in order: a pipelined
 * request waits here until the last part of the answer before it is written, and reading from the
 * socket pauses (autoRead off) while an answer is owed, so a client cannot queue more than one
 * read's worth of requests (and at most {@link OwedAnswers#MAX_OWED}). Runs on the channel's event
 * loop only.
 */
final class OneRequestAtATime extends ChannelDuplexHandler {
  private final OwedAnswers<Void> owed = new OwedAnswers<>(tag -> answered());
  private ChannelHandlerContext ctx;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ctx.channel().config().setAutoRead(false);
    owed.passOnInTurn(ctx, msg, null);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    owed.write(ctx, msg, promise);
  }

  /** An answer is out: when none is owed any more, read on. */
  private void answered() {
    if (owed.idle() && ctx.channel().isActive()) {
      ctx.channel().config().setAutoRead(true);
      ctx.read();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    owed.abandonAll();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    owed.abandonAll();
  }
}
