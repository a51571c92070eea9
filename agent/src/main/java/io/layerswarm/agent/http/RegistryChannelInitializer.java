package io.layerswarm.agent.http;

import io.layerswarm.agent.metrics.AgentMetrics;
import io.layerswarm.agent.mirror.RegistryMirror;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.util.concurrent.ExecutorService;

/**
 * Builds the registry API pipeline of one client connection: HTTP codec, a guard that answers
 * oversized or malformed requests, keep-alive, the chunked writer (it sends blobs that are still
 * arriving, chunk by chunk while the channel is writable), a small aggregator (pull requests have
 * no body; blob bodies only ever go out, as file regions or chunks, so nothing large is
 * aggregated), {@code /metrics} (outside {@code /v2/}, so it never shadows the registry API), and
 * the registry handler, which must stay last: the drain gate goes in front of it, after {@code
 * /metrics}.
 */
public final class RegistryChannelInitializer extends ChannelInitializer<Channel> {
  /** Longest request line; dockerd and containerd URIs are well under 1 KiB. */
  public static final int MAX_INITIAL_LINE_LENGTH = 8 * 1024;

  /** Largest header block; bearer tokens can be several KiB. */
  public static final int MAX_HEADER_SIZE = 32 * 1024;

  /** Largest request body; pull requests have none. */
  public static final int MAX_REQUEST_BODY = 8 * 1024;

  private final RegistryMirror mirror;
  private final ExecutorService pumps;
  private final AgentMetrics metrics;

  /**
   * @param pumps runs the blocking reads of blobs streamed while they arrive, one task per such
   *     response; a bounded pool (a refused task gets 503)
   * @param metrics served on {@code /metrics}, and counts the registry answers
   */
  public RegistryChannelInitializer(
      RegistryMirror mirror, ExecutorService pumps, AgentMetrics metrics) {
    this.mirror = mirror;
    this.pumps = pumps;
    this.metrics = metrics;
  }

  @Override
  protected void initChannel(Channel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addLast(
        "codec",
        new HttpServerCodec(
            new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE_LENGTH)
                .setMaxHeaderSize(MAX_HEADER_SIZE)));
    pipeline.addLast("size-guard", new RequestSizeGuard(MAX_INITIAL_LINE_LENGTH, MAX_HEADER_SIZE));
    pipeline.addLast("keep-alive", new HttpServerKeepAliveHandler());
    pipeline.addLast("chunked-writer", new ChunkedWriteHandler());
    pipeline.addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BODY));
    pipeline.addLast("metrics", new MetricsHandler(metrics));
    pipeline.addLast("registry", new RegistryRequestHandler(mirror, pumps, metrics));
  }
}
