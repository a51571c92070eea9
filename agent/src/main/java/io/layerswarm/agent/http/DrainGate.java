package io.layerswarm.agent.http;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.server.ErrorBody;
import io.layerswarm.registry.server.ErrorCode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Optional;

/**
 * The drain gate, in front of the handlers that answer registry requests. It counts each request's
 * response as in progress from the request until the last part of the response is written (or the
 * connection closes), noting the blob a GET reads, for the agent's drain. While the agent drains it
 * answers new requests itself with 503 and {@code Retry-After} and never passes them on; a refusal
 * of a pipelined request waits for the answers before it. Bytes that were no request still get
 * their own answer, which closes the connection. Runs on the channel's event loop only.
 */
final class DrainGate extends InOrderHandler<Optional<Digest>> {
  static final String MESSAGE =
      "this LayerSwarm agent is draining and stops soon; retry later,"
          + " or pull from another mirror or the origin";

  private final DrainHooks drain;

  /** Owes the requests it passed on, by the blob they read, and refusals waiting for their turn. */
  DrainGate(DrainHooks drain) {
    this.drain = drain;
  }

  @Override
  protected void answered(Optional<Digest> blob) {
    drain.responseEnded(blob);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof RegistryRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (drain.draining() && !(request instanceof RegistryRequest.Malformed)) {
      drain.refused();
      owed.answer(ctx, refusal(request.head()));
      return;
    }
    Optional<Digest> blob = request.blobRead();
    if (owed.passedOn(ctx, blob)) {
      drain.responseStarted(blob);
      ctx.fireChannelRead(request);
    }
  }

  /** 503 with an OCI error body; for HEAD the same headers without the body. */
  static FullHttpResponse refusal(boolean head) {
    byte[] body = ErrorBody.json(ErrorCode.UNAVAILABLE, MESSAGE);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.SERVICE_UNAVAILABLE,
            head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, ErrorBody.CONTENT_TYPE)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .setInt(HttpHeaderNames.RETRY_AFTER, DrainHooks.RETRY_AFTER_SECONDS);
    return Responses.withApiVersion(response);
  }
}
