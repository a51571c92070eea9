package io.layerswarm.agent.http;

import io.layerswarm.agent.metrics.AgentMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;

/**
 * Builds the pipeline of a connection to {@code agent.metrics-listen}: the registry API's HTTP
 * limits, then {@code /metrics} and a 404 for everything else. No drain gate: scrapes go on while
 * the agent drains.
 */
public final class MetricsChannelInitializer extends ChannelInitializer<Channel> {
  private final AgentMetrics metrics;

  public MetricsChannelInitializer(AgentMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  protected void initChannel(Channel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addLast(
        "codec",
        new HttpServerCodec(
            new HttpDecoderConfig()
                .setMaxInitialLineLength(RegistryChannelInitializer.MAX_INITIAL_LINE_LENGTH)
                .setMaxHeaderSize(RegistryChannelInitializer.MAX_HEADER_SIZE)));
    pipeline.addLast(
        "size-guard",
        new RequestSizeGuard(
            RegistryChannelInitializer.MAX_INITIAL_LINE_LENGTH,
            RegistryChannelInitializer.MAX_HEADER_SIZE));
    pipeline.addLast("keep-alive", new HttpServerKeepAliveHandler());
    pipeline.addLast(
        "aggregator", new HttpObjectAggregator(RegistryChannelInitializer.MAX_REQUEST_BODY));
    pipeline.addLast("metrics", new MetricsHandler(metrics));
    pipeline.addLast("not-found", new NotFoundHandler());
  }
}
