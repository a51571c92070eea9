package io.layerswarm.agent.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;

/**
 * Answers requests the HTTP decoder rejected, and closes the connection: a request line over the
 * limit gets 414, headers over the limit 431 (RFC 6585), anything else malformed 400. Everything
 * the decoder accepted passes through untouched. Runs on the channel's event loop.
 */
final class RequestSizeGuard extends ChannelInboundHandlerAdapter {
  private final int maxInitialLineLength;
  private final int maxHeaderSize;
  private boolean rejected;

  RequestSizeGuard(int maxInitialLineLength, int maxHeaderSize) {
    this.maxInitialLineLength = maxInitialLineLength;
    this.maxHeaderSize = maxHeaderSize;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpObject http) || http.decoderResult().isSuccess()) {
      if (rejected) {
        ReferenceCountUtil.release(msg); // the rest of a rejected request
        return;
      }
      ctx.fireChannelRead(msg);
      return;
    }
    Throwable cause = http.decoderResult().cause();
    ReferenceCountUtil.release(msg);
    if (rejected) {
      return;
    }
    rejected = true;
    HttpResponseStatus status;
    String message;
    if (cause instanceof TooLongHttpLineException) {
      status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
      message = "request line is longer than " + maxInitialLineLength + " bytes";
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
      message = "request headers are larger than " + maxHeaderSize + " bytes";
    } else {
      status = HttpResponseStatus.BAD_REQUEST;
      message = "malformed HTTP request: " + cause.getMessage();
    }
    ctx.writeAndFlush(Responses.text(status, message)).addListener(ChannelFutureListener.CLOSE);
  }
}
