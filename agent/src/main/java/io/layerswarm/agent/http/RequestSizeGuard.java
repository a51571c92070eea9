package io.layerswarm.agent.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;

/**
 * Decides which requests of a connection go on to be answered. The first one the HTTP decoder
 * rejected goes on, marked by its decoder result: the router refuses it with {@link #refusal}, in
 * its turn behind the answers still owed, and the connection closes after that answer (answering
 * here, at once, put the refusal ahead of those answers and closed the connection before they went
 * out). Nothing after it goes on (the decoder reads nothing more anyway), nor anything after a
 * request that closes the connection ({@code Connection: close}, or HTTP/1.0 without keep-alive):
 * its answer ends the connection, so a request pipelined behind it would be worked on (a blob
 * fetched and stored) and never answered (RFC 9112 9.6: a server must not process further
 * requests). Runs on the channel's event loop.
 */
final class RequestSizeGuard extends ChannelInboundHandlerAdapter {
  /** Nothing more goes on. */
  private boolean done;

  /** The request going on closes the connection: nothing goes on after its last content. */
  private boolean closing;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (done) {
      ReferenceCountUtil.release(msg); // after a rejected request, or one that closes
      return;
    }
    if (msg instanceof HttpObject http && http.decoderResult().isFailure()) {
      done = true;
    } else if (msg instanceof HttpRequest request && !HttpUtil.isKeepAlive(request)) {
      closing = true;
    }
    if (closing && msg instanceof LastHttpContent) {
      done = true;
    }
    ctx.fireChannelRead(msg);
  }

  /**
   * The answer to a request the decoder (or the aggregator) rejected: a request line over the limit
   * gets 414, headers over the limit 431 (RFC 6585), a body over the limit 413, anything else
   * malformed 400.
   */
  static RegistryRequest.Malformed refusal(String line, Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return new RegistryRequest.Malformed(
          line,
          HttpResponseStatus.REQUEST_URI_TOO_LONG,
          "request line is longer than "
              + RegistryChannelInitializer.MAX_INITIAL_LINE_LENGTH
              + " bytes");
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return new RegistryRequest.Malformed(
          line,
          HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
          "request headers are larger than "
              + RegistryChannelInitializer.MAX_HEADER_SIZE
              + " bytes");
    }
    if (cause instanceof TooLongFrameException) {
      return new RegistryRequest.Malformed(
          line, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, cause.getMessage());
    }
    return new RegistryRequest.Malformed(
        line, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request: " + cause.getMessage());
  }
}
