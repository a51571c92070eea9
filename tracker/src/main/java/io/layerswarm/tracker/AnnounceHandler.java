package io.layerswarm.tracker;

import io.layerswarm.tracker.announce.AnnounceEndpoint;
import io.layerswarm.tracker.announce.TrackerReply;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetSocketAddress;

/**
 * {@code GET /announce}: hands the raw query and the peer's source address to the
 * {@link AnnounceEndpoint}. Runs on the event loop: the decision only touches the peer store. The
 * reply is HTTP 200 even for a failure, as BEP 3 clients expect.
 */
@ChannelHandler.Sharable
final class AnnounceHandler extends RouteHandler {
  private final AnnounceEndpoint endpoint;
  private final TrackerMetrics metrics;

  AnnounceHandler(AnnounceEndpoint endpoint, TrackerMetrics metrics) {
    this.endpoint = endpoint;
    this.metrics = metrics;
  }

  @Override
  boolean matches(String path) {
    return "/announce".equals(path);
  }

  @Override
  void handle(ChannelHandlerContext ctx, FullHttpRequest request, RequestTarget target) {
    InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
    TrackerReply reply = endpoint.announce(target.rawQuery(), remote.getAddress());
    metrics.announced(reply.failure());
    ctx.writeAndFlush(HttpResponses.bytes(HttpResponseStatus.OK, "text/plain", reply.body()));
  }
}
