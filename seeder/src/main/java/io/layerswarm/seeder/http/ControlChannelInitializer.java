package io.layerswarm.seeder.http;

import io.layerswarm.core.auth.BearerToken;
import io.layerswarm.core.auth.HttpAuth;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.util.Optional;
import java.util.concurrent.Executor;

/** Builds the pipeline of a control-endpoint connection. */
public final class ControlChannelInitializer extends ChannelInitializer<Channel> {
  private final ControlRequestHandler.Lookup lookup;
  private final ControlRequestHandler.NotificationSink notifications;
  private final ControlRequestHandler.MetricsSource metrics;
  private final Executor lookups;
  private final HttpAuth auth;
  private final Optional<BearerToken> notificationsToken;

  /**
   * @param auth checks the signatures of metainfo requests; open: none
   * @param notificationsToken the bearer token {@code POST /notifications} needs, if any
   */
  public ControlChannelInitializer(
      ControlRequestHandler.Lookup lookup,
      ControlRequestHandler.NotificationSink notifications,
      ControlRequestHandler.MetricsSource metrics,
      Executor lookups,
      HttpAuth auth,
      Optional<BearerToken> notificationsToken) {
    this.lookup = lookup;
    this.notifications = notifications;
    this.metrics = metrics;
    this.lookups = lookups;
    this.auth = auth;
    this.notificationsToken = notificationsToken;
  }

  @Override
  protected void initChannel(Channel channel) {
    channel
        .pipeline()
        .addLast("http", new HttpServerCodec())
        .addLast("keep-alive", new HttpServerKeepAliveHandler())
        // Who may ask, decided on the request head: a refused body is never read.
        .addLast("access", new ControlAccessHandler(auth, notificationsToken))
        // Per-route body caps first: only POST /notifications may send the aggregator 1 MiB.
        .addLast("body-limit", new BodyLimitHandler())
        .addLast("aggregate", new HttpObjectAggregator(BodyLimitHandler.maxBytes()))
        .addLast("control", new ControlRequestHandler(lookup, notifications, metrics, lookups));
  }
}
