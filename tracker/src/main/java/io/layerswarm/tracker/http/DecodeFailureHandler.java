package io.layerswarm.tracker.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;

/**
 * Answers requests the HTTP decoder could not read: 414 for a request line over the limit, 431 for
 * headers over the limit, 400 for anything else malformed. The connection is closed after, because
 * the decoder has given up on the byte stream. Valid requests pass through.
 */
@ChannelHandler.Sharable
final class DecodeFailureHandler extends ChannelInboundHandlerAdapter {
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request) || request.decoderResult().isSuccess()) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      DecoderResult result = request.decoderResult();
      HttpResponseStatus status;
      String message;
      if (result.cause() instanceof TooLongHttpLineException) {
        status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
        message =
            "request line longer than " + TrackerChannelInitializer.MAX_REQUEST_LINE + " bytes";
      } else if (result.cause() instanceof TooLongHttpHeaderException) {
        status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        message =
            "request headers larger than " + TrackerChannelInitializer.MAX_HEADER_BYTES + " bytes";
      } else {
        status = HttpResponseStatus.BAD_REQUEST;
        message = "malformed HTTP request";
      }
      ctx.writeAndFlush(HttpResponses.closing(HttpResponses.text(status, message)));
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }
}
