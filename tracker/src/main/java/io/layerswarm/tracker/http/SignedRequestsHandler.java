package io.layerswarm.tracker.http;

import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.auth.HttpSignature;
import io.layerswarm.core.bencode.Bencode;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;

/**
 * Lets only cluster members reach the member endpoints: {@code /announce}, {@code /scrape}, {@code
 * /fleet} and {@code /metainfo/...} need a valid {@value HttpSignature#HEADER} (see {@link
 * HttpSignature}). Anything else is refused with 401 before it reaches an endpoint, so it stores
 * nothing and makes no seeder fetch: a bencoded {@code failure reason} for announce and scrape
 * (what BitTorrent clients read), a JSON error for metainfo. The reason names what to configure and
 * never echoes the request. {@code /healthz}, {@code /metrics} and unknown paths pass through.
 *
 * <p>Only in the pipeline when the tracker has a cluster secret. Shared; stateless.
 */
@ChannelHandler.Sharable
final class SignedRequestsHandler extends ChannelInboundHandlerAdapter {
  private final HttpAuth auth;
  private final TrackerMetrics metrics;

  SignedRequestsHandler(HttpAuth auth, TrackerMetrics metrics) {
    this.auth = auth;
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    String path = RequestTarget.of(request.uri()).path();
    // /fleet answers bencode as the tracker endpoints do.
    boolean tracker =
        path.equals("/announce") || path.equals("/scrape") || path.equals(FleetHandler.PATH);
    if (!tracker && !path.startsWith(MetainfoRequest.PATH_PREFIX)) {
      ctx.fireChannelRead(msg);
      return;
    }
    HttpSignature.Check check =
        auth.check(
            request.method().name(), request.uri(), request.headers().get(HttpSignature.HEADER));
    if (check.valid()) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      metrics.unsigned(
          path.startsWith(MetainfoRequest.PATH_PREFIX) ? "metainfo" : path.substring(1));
      FullHttpResponse response =
          tracker
              ? HttpResponses.bytes(
                  HttpResponseStatus.UNAUTHORIZED,
                  "text/plain",
                  Bencode.encode(Map.of("failure reason", check.reason())))
              : HttpResponses.jsonError(
                  HttpResponseStatus.UNAUTHORIZED, "unauthorized", null, check.reason());
      response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, HttpSignature.HEADER);
      ctx.writeAndFlush(response);
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }
}
