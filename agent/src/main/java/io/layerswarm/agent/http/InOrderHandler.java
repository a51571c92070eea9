package io.layerswarm.agent.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * A handler that keeps its connection's answers in request order with {@link OwedAnswers}: every
 * write passes through the queue, and what is still owed when the connection goes (or the handler
 * is removed) is abandoned. Subclasses decide, per request, what to owe. Event loop only.
 *
 * @param <T> what a subclass remembers of a passed-on request until its answer ends
 */
abstract class InOrderHandler<T> extends ChannelDuplexHandler {
  /** What this handler owes on its connection. */
  protected final OwedAnswers<T> owed;

  InOrderHandler() {
    this.owed = new OwedAnswers<>(this::answered);
  }

  /**
   * The last part of the answer to a request this handler passed on is written (or failed), or the
   * connection is gone. Does nothing unless overridden.
   */
  protected void answered(T tag) {}

  @Override
  public final void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    owed.write(ctx, msg, promise);
  }

  @Override
  public final void channelInactive(ChannelHandlerContext ctx) throws Exception {
    owed.abandonAll();
    super.channelInactive(ctx);
  }

  @Override
  public final void handlerRemoved(ChannelHandlerContext ctx) {
    owed.abandonAll();
  }
}
