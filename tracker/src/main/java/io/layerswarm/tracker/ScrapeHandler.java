package io.layerswarm.tracker;

import io.layerswarm.tracker.announce.ScrapeEndpoint;
import io.layerswarm.tracker.announce.TrackerReply;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/** {@code GET /scrape} (BEP 48), answered on the event loop from the peer store's counts. */
@ChannelHandler.Sharable
final class ScrapeHandler extends RouteHandler {
  private final ScrapeEndpoint endpoint;
  private final TrackerMetrics metrics;

  ScrapeHandler(ScrapeEndpoint endpoint, TrackerMetrics metrics) {
    this.endpoint = endpoint;
    this.metrics = metrics;
  }

  @Override
  boolean matches(String path) {
    return "/scrape".equals(path);
  }

  @Override
  void handle(ChannelHandlerContext ctx, FullHttpRequest request, RequestTarget target) {
    TrackerReply reply = endpoint.scrape(target.rawQuery());
    metrics.scraped(reply.failure());
    ctx.writeAndFlush(HttpResponses.bytes(HttpResponseStatus.OK, "text/plain", reply.body()));
  }
}
