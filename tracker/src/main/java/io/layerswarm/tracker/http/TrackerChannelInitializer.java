package io.layerswarm.tracker.http;

import io.layerswarm.core.KeyedLimiter;
import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.swarm.listener.IdleConnectionCloser;
import io.layerswarm.tracker.announce.AnnounceEndpoint;
import io.layerswarm.tracker.announce.ScrapeEndpoint;
import io.layerswarm.tracker.announce.TrustedProxies;
import io.layerswarm.tracker.fleet.Fleet;
import io.layerswarm.tracker.fleet.InMemoryFleetStore;
import io.layerswarm.tracker.peerstore.PeerStore;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Builds each connection's pipeline, the only place that does. Inbound order:
 *
 * <ol>
 *   <li>before anything, the connection caps: a connection beyond them is closed at once;
 *   <li>idle detection, then HTTP/1.1 decoding with bounded request line and headers;
 *   <li>keep-alive (Connection headers, close after the last response when asked);
 *   <li>aggregation into one {@code FullHttpRequest}: requests are GETs, so bodies are tiny;
 *   <li>idle close, one-request-at-a-time sequencing, decode failures (414/431/400);
 *   <li>health and metrics (open to all); with a cluster secret, the signature check of the member
 *       endpoints; the member endpoints (announce, scrape, metainfo, fleet), each taking its own
 *       path; then 404 for the rest, then error logging.
 * </ol>
 *
 * <p>The endpoints' handlers are shared by every connection; store calls run on {@code storeCalls},
 * metainfo fetches on the {@link MetainfoFetcher}.
 */
public final class TrackerChannelInitializer extends ChannelInitializer<Channel> {
  /** The longest request line (method, target, version); longer gets 414. */
  static final int MAX_REQUEST_LINE = 4 * 1024;

  /** The most header bytes; more gets 431. */
  static final int MAX_HEADER_BYTES = 8 * 1024;

  /** The largest request body accepted; requests are GETs, larger gets 413. */
  static final int MAX_CONTENT_BYTES = 8 * 1024;

  private final TrackerProtocolHandler announce;
  private final TrackerProtocolHandler scrape;
  private final MetainfoHandler metainfo;
  private final FleetHandler fleet;
  private final StoreQueryHandler health;
  private final StoreQueryHandler metrics;
  private final SignedRequestsHandler signed;
  private final ConnectionLimiter limiter;
  private final TrackerMetrics trackerMetrics;
  private final Duration idleTimeout;
  private final DecodeFailureHandler decodeFailure = new DecodeFailureHandler();
  private final NotFoundHandler notFound = new NotFoundHandler();
  private final UnhandledErrorHandler unhandledError = new UnhandledErrorHandler();

  /**
   * @param store read only through {@code storeCalls}
   * @param auth checks the signatures of announce, scrape and metainfo requests; open: none
   * @param limits the connection caps and the idle timeout
   * @param proxies exempt from the per-address connection cap
   */
  public TrackerChannelInitializer(
      PeerStore store,
      BoundedExecutor storeCalls,
      AnnounceEndpoint announce,
      ScrapeEndpoint scrape,
      MetainfoFetcher metainfo,
      TrackerMetrics metrics,
      HttpAuth auth,
      ConnectionLimits limits,
      TrustedProxies proxies) {
    this(
        store,
        storeCalls,
        announce,
        scrape,
        metainfo,
        metrics,
        auth,
        limits,
        proxies,
        List::of,
        new Fleet(new InMemoryFleetStore(), InstantSource.system(), new SecureRandom()));
  }

  /**
   * As above, with {@code liveness}, the problems of the tracker's threads, which make {@code
   * /healthz} answer 503, and the fleet preheats {@code fleet} that {@code GET /fleet} polls (a
   * member endpoint, signed like announces).
   */
  public TrackerChannelInitializer(
      PeerStore store,
      BoundedExecutor storeCalls,
      AnnounceEndpoint announce,
      ScrapeEndpoint scrape,
      MetainfoFetcher metainfo,
      TrackerMetrics metrics,
      HttpAuth auth,
      ConnectionLimits limits,
      TrustedProxies proxies,
      Supplier<List<String>> liveness,
      Fleet fleet) {
    this.fleet = new FleetHandler(fleet, storeCalls, proxies);
    this.health = StoreQueryHandler.health(store, storeCalls, liveness);
    this.announce = TrackerProtocolHandler.announce(announce, storeCalls, metrics);
    this.scrape = TrackerProtocolHandler.scrape(scrape, storeCalls, metrics);
    this.metainfo = new MetainfoHandler(metainfo, metrics);
    this.metrics = StoreQueryHandler.metrics(metrics, storeCalls);
    this.signed = auth.required() ? new SignedRequestsHandler(auth, metrics) : null;
    this.limiter = new ConnectionLimiter(limits, proxies);
    this.trackerMetrics = metrics;
    this.idleTimeout = limits.idleTimeout();
    metrics.connections(limiter::open);
  }

  @Override
  protected void initChannel(Channel channel) {
    // The caps first: a connection beyond them is closed before a byte is read.
    InetAddress remote = ((InetSocketAddress) channel.remoteAddress()).getAddress();
    KeyedLimiter.Refusal refusal = limiter.admit(remote);
    if (refusal != null) {
      trackerMetrics.refusedConnection(
          refusal == KeyedLimiter.Refusal.TOTAL ? "total" : "per_address");
      channel.close();
      return;
    }
    channel.closeFuture().addListener(closed -> limiter.release(remote));
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addLast("idle", new IdleStateHandler(0, 0, idleTimeout.toSeconds(), TimeUnit.SECONDS));
    pipeline.addLast(
        "http",
        new HttpServerCodec(
            new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_REQUEST_LINE)
                .setMaxHeaderSize(MAX_HEADER_BYTES)));
    pipeline.addLast("keep-alive", new HttpServerKeepAliveHandler());
    pipeline.addLast("aggregate", new HttpObjectAggregator(MAX_CONTENT_BYTES));
    pipeline.addLast("idle-close", new IdleConnectionCloser());
    pipeline.addLast("sequence", new RequestSequencer());
    pipeline.addLast("decode-failure", decodeFailure);
    pipeline.addLast("healthz", health);
    pipeline.addLast("metrics", metrics);
    if (signed != null) {
      pipeline.addLast("signed", signed);
    }
    pipeline.addLast("announce", announce);
    pipeline.addLast("scrape", scrape);
    pipeline.addLast("metainfo", metainfo);
    pipeline.addLast("fleet", fleet);
    pipeline.addLast("not-found", notFound);
    pipeline.addLast("errors", unhandledError);
  }
}
