package io.layerswarm.seeder;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.util.concurrent.Executor;

/** Builds the pipeline of a control-endpoint connection. */
final class ControlChannelInitializer extends ChannelInitializer<Channel> {
  /** Control requests are GETs; anything bigger is refused by the aggregator with 413. */
  static final int MAX_REQUEST_BYTES = 8 * 1024;

  private final ControlRequestHandler.Lookup lookup;
  private final Executor lookups;

  ControlChannelInitializer(ControlRequestHandler.Lookup lookup, Executor lookups) {
    this.lookup = lookup;
    this.lookups = lookups;
  }

  @Override
  protected void initChannel(Channel channel) {
    channel.pipeline()
        .addLast("http", new HttpServerCodec())
        .addLast("keep-alive", new HttpServerKeepAliveHandler())
        .addLast("aggregate", new HttpObjectAggregator(MAX_REQUEST_BYTES))
        .addLast("control", new ControlRequestHandler(lookup, lookups));
  }
}
