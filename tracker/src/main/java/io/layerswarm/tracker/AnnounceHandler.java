package io.layerswarm.tracker;

import io.layerswarm.tracker.announce.AnnounceEndpoint;
import io.layerswarm.tracker.announce.TrackerReply;
import io.netty.channel.ChannelHandler;
import java.net.InetAddress;

/**
 * {@code GET /announce} (or {@code /<passkey>/announce}): hands the raw query and the peer's source
 * address to the {@link AnnounceEndpoint} on the store pool.
 */
@ChannelHandler.Sharable
final class AnnounceHandler extends TrackerProtocolHandler {
  private final AnnounceEndpoint endpoint;

  AnnounceHandler(
      AnnounceEndpoint endpoint, PasskeyGate gate, StoreExecutor executor, TrackerMetrics metrics) {
    super("/announce", gate, executor, metrics);
    this.endpoint = endpoint;
  }

  @Override
  TrackerReply answer(String rawQuery, InetAddress remote) {
    return endpoint.announce(rawQuery, remote);
  }

  @Override
  void count(TrackerMetrics metrics, TrackerReply reply) {
    metrics.announced(reply);
  }
}
