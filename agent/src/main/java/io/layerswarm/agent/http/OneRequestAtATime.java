package io.layerswarm.agent.http;

import io.netty.channel.ChannelHandlerContext;

/**
 * Lets the handlers behind it answer one request of a connection at a time, in order: a pipelined
 * request waits here until the last part of the answer before it is written, and reading from the
 * socket pauses (autoRead off) while an answer is owed, so a client cannot queue more than one
 * read's worth of requests (and at most {@link OwedAnswers#MAX_OWED}). Runs on the channel's event
 * loop only.
 */
final class OneRequestAtATime extends InOrderHandler<Void> {
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

  /** An answer is out: when none is owed any more, read on. */
  @Override
  protected void answered(Void tag) {
    if (owed.idle() && ctx.channel().isActive()) {
      ctx.channel().config().setAutoRead(true);
      ctx.read();
    }
  }
}
