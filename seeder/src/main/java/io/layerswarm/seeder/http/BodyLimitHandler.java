package io.layerswarm.seeder.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * Caps request bodies per route before they are aggregated: {@code POST /notifications} may carry
 * up to {@link #NOTIFICATION_BYTES} (a registry's event envelope), {@code POST /oapi/v1/jobs} up to
 * {@link #JOB_BYTES}, every other request up to {@link #CONTROL_BYTES}. A request over its cap, by
 * {@code Content-Length} or by the bytes that arrive, is answered 413 and the connection is closed;
 * the rest of it is discarded. Owned by the channel's event loop.
 */
final class BodyLimitHandler extends ChannelInboundHandlerAdapter {
  /** Requests other than notifications are GETs; their bodies, if any, are small. */
  static final int CONTROL_BYTES = 8 * 1024;

  /** Distribution sends envelopes of a few events; 1 MiB leaves room for thousands. */
  static final int NOTIFICATION_BYTES = 1024 * 1024;

  /**
   * A preheat job: Harbor's JSON with a URL and a registry token in {@code headers}, well under 1
   * KiB, or a few KiB with a long token.
   */
  static final int JOB_BYTES = 64 * 1024;

  private long limit;
  private long received;
  private String path = "";
  private boolean rejected;

  /** The largest body any route takes: the aggregator's limit. */
  static int maxBytes() {
    return Math.max(CONTROL_BYTES, Math.max(JOB_BYTES, NOTIFICATION_BYTES));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (rejected) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      path = ControlRoute.path(request.uri()).orElse(""); // malformed: 400 from the route
      boolean post = HttpMethod.POST.equals(request.method());
      if (post && ControlRoute.NOTIFICATIONS_PATH.equals(path)) {
        limit = NOTIFICATION_BYTES;
      } else if (post && ControlRoute.JOBS_PATH.equals(path)) {
        limit = JOB_BYTES;
      } else {
        limit = CONTROL_BYTES;
      }
      received = 0;
      // A request the codec could not parse (a malformed Content-Length among others) goes on
      // to be answered 400; only a parsed Content-Length is a number to compare.
      if (request.decoderResult().isSuccess() && HttpUtil.getContentLength(request, -1L) > limit) {
        reject(ctx, msg);
        return;
      }
    }
    if (msg instanceof HttpContent content) {
      received += content.content().readableBytes();
      if (received > limit) {
        reject(ctx, msg);
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  private void reject(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
    rejected = true;
    ctx.writeAndFlush(ControlResponses.tooLarge(path, limit))
        .addListener(ChannelFutureListener.CLOSE);
  }
}
