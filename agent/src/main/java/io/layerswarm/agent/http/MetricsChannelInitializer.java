package io.layerswarm.agent.http;

import io.layerswarm.agent.metrics.AgentMetrics;
import io.layerswarm.swarm.listener.ConnectionCap;
import io.layerswarm.swarm.listener.IdleConnectionCloser;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Builds the pipeline of a connection to {@code agent.metrics-listen}: at most {@link
 * #MAX_CONNECTIONS} connections, closed after {@link #IDLE_TIMEOUT} without a request, the registry
 * API's HTTP limits, then {@code /metrics}, {@code /healthz}, {@code /ready} and a 404 for
 * everything else. No drain gate: scrapes go on while the agent drains.
 */
public final class MetricsChannelInitializer extends ChannelInitializer<Channel> {
  /** Scrapers are few; the address may face the network. */
  public static final int MAX_CONNECTIONS = 64;

  /** Of those, from one address: a scraper keeps one or two. */
  public static final int MAX_CONNECTIONS_PER_ADDRESS = 16;

  public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

  private final AgentMetrics metrics;
  private final ConnectionCap cap =
      new ConnectionCap("agent.metrics-listen", MAX_CONNECTIONS, MAX_CONNECTIONS_PER_ADDRESS);

  public MetricsChannelInitializer(AgentMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  protected void initChannel(Channel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addLast("cap", cap);
    pipeline.addLast(
        "idle", new IdleStateHandler(0, 0, IDLE_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
    pipeline.addLast(
        "codec",
        new HttpServerCodec(
            new HttpDecoderConfig()
                .setMaxInitialLineLength(RegistryChannelInitializer.MAX_INITIAL_LINE_LENGTH)
                .setMaxHeaderSize(RegistryChannelInitializer.MAX_HEADER_SIZE)));
    pipeline.addLast("idle-close", new IdleConnectionCloser());
    pipeline.addLast("size-guard", new RequestSizeGuard());
    pipeline.addLast("keep-alive", new HttpServerKeepAliveHandler());
    pipeline.addLast(
        "aggregator", new RequestAggregator(RegistryChannelInitializer.MAX_REQUEST_BODY));
    pipeline.addLast("metrics", new MetricsHandler(metrics));
    pipeline.addLast("not-found", new NotFoundHandler());
  }
}
