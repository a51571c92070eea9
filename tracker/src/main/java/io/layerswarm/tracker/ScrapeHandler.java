package io.layerswarm.tracker;

import io.layerswarm.tracker.announce.ScrapeEndpoint;
import io.layerswarm.tracker.announce.TrackerReply;
import io.netty.channel.ChannelHandler;
import java.net.InetAddress;

/**
 * {@code GET /scrape} (or {@code /<passkey>/scrape}, BEP 48), answered from the peer store's counts
 * on the store pool.
 */
@ChannelHandler.Sharable
final class ScrapeHandler extends TrackerProtocolHandler {
  private final ScrapeEndpoint endpoint;

  ScrapeHandler(
      ScrapeEndpoint endpoint, PasskeyGate gate, StoreExecutor executor, TrackerMetrics metrics) {
    super("/scrape", gate, executor, metrics);
    this.endpoint = endpoint;
  }

  @Override
  TrackerReply answer(String rawQuery, InetAddress remote) {
    return endpoint.scrape(rawQuery);
  }

  @Override
  void count(TrackerMetrics metrics, TrackerReply reply) {
    metrics.scraped(reply);
  }
}
