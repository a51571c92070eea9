package io.layerswarm.tracker.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Keeps HTTP/1.1 pipelining in order: passes on one request at a time, and the next only after the
 * previous response is written in full. Needed because a metainfo response is written later, from
 * another thread, while a pipelined announce behind it would be answered at once.
 *
 * <p>Requests that arrive meanwhile wait here, at most {@value #MAX_QUEUED}; reading is paused
 * while any wait (backpressure by {@code autoRead}). A client that pipelines more is disconnected.
 * One instance per channel; all methods run on its event loop.
 */
final class RequestSequencer extends ChannelDuplexHandler {
  static final int MAX_QUEUED = 16;
  private final ArrayDeque<Object> waiting = new ArrayDeque<>();
  private boolean busy;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpRequest)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (!busy) {
      busy = true;
      ctx.fireChannelRead(msg);
      return;
    }
    if (waiting.size() >= MAX_QUEUED) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    waiting.add(msg);
    ctx.channel().config().setAutoRead(false);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean endOfResponse = msg instanceof LastHttpContent;
    ctx.write(msg, promise);
    if (endOfResponse && busy) {
      busy = false;
      // Not re-entrantly from inside a write: the next request starts on a fresh stack.
      ctx.executor().execute(() -> next(ctx));
    }
  }

  private void next(ChannelHandlerContext ctx) {
    if (busy || !ctx.channel().isActive()) {
      return;
    }
    Object request = waiting.poll();
    if (waiting.isEmpty()) {
      ctx.channel().config().setAutoRead(true);
    }
    if (request != null) {
      busy = true;
      ctx.fireChannelRead(request);
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseWaiting();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseWaiting();
    ctx.fireChannelInactive();
  }

  private void releaseWaiting() {
    Object msg;
    while ((msg = waiting.poll()) != null) {
      ReferenceCountUtil.release(msg);
    }
  }
}
