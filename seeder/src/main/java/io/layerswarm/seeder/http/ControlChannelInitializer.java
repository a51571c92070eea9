package io.layerswarm.seeder.http;

import io.layerswarm.core.auth.BearerToken;
import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.seeder.harbor.ApiCredentials;
import io.layerswarm.seeder.harbor.HarborPreheat;
import io.layerswarm.swarm.listener.ConnectionCap;
import io.layerswarm.swarm.listener.IdleConnectionCloser;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Builds the pipeline of a control-endpoint connection: at most {@link #MAX_CONNECTIONS} at once
 * (the trackers, the other seeders, the registry), closed after {@link #IDLE_TIMEOUT} without a
 * request in progress; then HTTP, access, body limits and the endpoints.
 */
public final class ControlChannelInitializer extends ChannelInitializer<Channel> {
  /** Connections held at once; members keep a few each. */
  public static final int MAX_CONNECTIONS = 1024;

  /** Of those, from one address: a tracker or a seeder keeps as many as it runs lookups. */
  public static final int MAX_CONNECTIONS_PER_ADDRESS = 128;

  /** A connection without a request in progress and without traffic this long is closed. */
  public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(120);

  private final ConnectionCap cap =
      new ConnectionCap("seeder.listen", MAX_CONNECTIONS, MAX_CONNECTIONS_PER_ADDRESS);
  private final ControlRequestHandler.Lookup lookup;
  private final ControlRequestHandler.NotificationSink notifications;
  private final ControlRequestHandler.MetricsSource metrics;
  private final Executor lookups;
  private final HttpAuth auth;
  private final Optional<BearerToken> notificationsToken;
  private final ControlRequestHandler.HealthSource health;
  private final HarborPreheat preheatApi;
  private final Optional<ApiCredentials> preheatCredentials;
  private final ControlRequestHandler.MemberApi members;

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
    this(lookup, notifications, metrics, lookups, auth, notificationsToken, List::of, null, null);
  }

  /**
   * @param auth checks the signatures of metainfo requests; open: none
   * @param notificationsToken the bearer token {@code POST /notifications} needs, if any
   * @param health what {@code GET /healthz} reports
   * @param preheatApi the Dragonfly preheat API; null: none (404)
   * @param preheatToken the token it needs ({@code seeder.preheat-api-token-file}); null or empty:
   *     open mode only
   */
  public ControlChannelInitializer(
      ControlRequestHandler.Lookup lookup,
      ControlRequestHandler.NotificationSink notifications,
      ControlRequestHandler.MetricsSource metrics,
      Executor lookups,
      HttpAuth auth,
      Optional<BearerToken> notificationsToken,
      ControlRequestHandler.HealthSource health,
      HarborPreheat preheatApi,
      Optional<BearerToken> preheatToken) {
    this(
        lookup,
        notifications,
        metrics,
        lookups,
        auth,
        notificationsToken,
        health,
        preheatApi,
        preheatToken,
        null);
  }

  /**
   * As the constructor above, with {@code members}: {@code GET /ring} and {@code GET /blobs/...}
   * (null: 404).
   */
  public ControlChannelInitializer(
      ControlRequestHandler.Lookup lookup,
      ControlRequestHandler.NotificationSink notifications,
      ControlRequestHandler.MetricsSource metrics,
      Executor lookups,
      HttpAuth auth,
      Optional<BearerToken> notificationsToken,
      ControlRequestHandler.HealthSource health,
      HarborPreheat preheatApi,
      Optional<BearerToken> preheatToken,
      ControlRequestHandler.MemberApi members) {
    this.members = members;
    this.preheatApi = preheatApi;
    this.preheatCredentials =
        preheatToken == null ? Optional.empty() : preheatToken.map(ApiCredentials::new);
    this.health = health;
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
        .addLast("cap", cap)
        .addLast("idle", new IdleStateHandler(0, 0, IDLE_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
        .addLast("http", new HttpServerCodec())
        .addLast("idle-close", new IdleConnectionCloser())
        .addLast("keep-alive", new HttpServerKeepAliveHandler())
        // Who may ask, decided on the request head: a refused body is never read.
        .addLast("access", new ControlAccessHandler(auth, notificationsToken, preheatCredentials))
        // Per-route body caps first: only POST /notifications may send the aggregator 1 MiB.
        .addLast("body-limit", new BodyLimitHandler())
        .addLast("aggregate", new HttpObjectAggregator(BodyLimitHandler.maxBytes()))
        .addLast(
            "control",
            new ControlRequestHandler(
                lookup, notifications, metrics, lookups, health, preheatApi, members));
  }
}
