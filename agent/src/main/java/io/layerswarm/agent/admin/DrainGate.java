package io.layerswarm.agent.admin;

import io.layerswarm.agent.http.OwedAnswers;
import io.layerswarm.core.Digest;
import io.layerswarm.registry.server.ErrorBody;
import io.layerswarm.registry.server.ErrorCode;
import io.layerswarm.registry.server.Route;
import io.layerswarm.registry.server.RouteParser;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.util.Optional;

/**
 * Sits in front of the registry handler of one connection. It counts each request's response as in
 * progress from the request until the last part of the response is written (or the connection
 * closes), noting the blob a GET reads, for {@link Drain}. While draining it answers new requests
 * itself with 503 and {@code Retry-After} and never passes them on. Requests on one connection are
 * answered in order, so a refusal of a pipelined request waits for the answers before it. Runs on
 * the channel's event loop only.
 */
final class DrainGate extends ChannelDuplexHandler {
  static final String MESSAGE =
      "this LayerSwarm agent is draining and stops soon; retry later,"
          + " or pull from another mirror or the origin";
  private static final String API_VERSION_HEADER = "Docker-Distribution-Api-Version";

  private final Drain drain;

  /** Requests passed on, by the blob they read, and refusals waiting for their turn. */
  private final OwedAnswers<Optional<Digest>> owed = new OwedAnswers<>();

  DrainGate(Drain drain) {
    this.drain = drain;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (drain.draining()) {
      boolean head = HttpMethod.HEAD.equals(request.method());
      ReferenceCountUtil.release(msg);
      drain.refused();
      owed.answer(ctx, refusal(head));
      return;
    }
    Optional<Digest> blob = blobRead(request);
    owed.passedOn(blob);
    drain.responseStarted(blob);
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    owed.write(ctx, msg, promise, drain::responseEnded);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    releaseAll();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseAll();
  }

  /** Answers that will never be written: no longer in progress. */
  private void releaseAll() {
    owed.abandonAll(drain::responseEnded);
  }

  /** The digest of a blob GET, the only request that reads a cached blob. */
  private static Optional<Digest> blobRead(HttpRequest request) {
    if (!HttpMethod.GET.equals(request.method())) {
      return Optional.empty();
    }
    try {
      return RouteParser.parse(request.method().name(), request.uri()) instanceof Route.BlobRoute b
          ? Optional.of(b.digest())
          : Optional.empty();
    } catch (RuntimeException | io.layerswarm.registry.server.RegistryApiException e) {
      return Optional.empty(); // the registry handler answers it with the error
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
        .setInt(HttpHeaderNames.RETRY_AFTER, Drain.RETRY_AFTER_SECONDS)
        .set(API_VERSION_HEADER, "registry/2.0");
    return response;
  }
}
