package io.layerswarm.tracker.http;

import io.layerswarm.tracker.announce.AnnounceEndpoint;
import io.layerswarm.tracker.announce.ScrapeEndpoint;
import io.layerswarm.tracker.announce.TrackerReply;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A BitTorrent tracker endpoint, {@code GET /announce} or {@code GET /scrape}: computes the
 * bencoded reply on the {@link BoundedExecutor} (it reads the peer store, which may block), and
 * writes it with HTTP 200, as BEP 3 clients expect even for a failure. A full store pool is
 * answered with the failure reason {@value #BUSY}. With a cluster secret, the {@link
 * SignedRequestsHandler} in front of it has let only members through.
 */
@ChannelHandler.Sharable
final class TrackerProtocolHandler extends RouteHandler {
  static final String BUSY = "tracker busy, retry";
  private static final Logger log = LoggerFactory.getLogger(TrackerProtocolHandler.class);

  /**
   * Computes a reply from the raw query, the connection's source address and the request's {@code
   * X-Forwarded-For}; may block on the store.
   */
  @FunctionalInterface
  interface Endpoint {
    TrackerReply answer(String rawQuery, InetAddress remote, Optional<String> forwardedFor);
  }

  private final String endpointPath;
  private final Endpoint endpoint;
  private final Consumer<TrackerReply> count;
  private final BoundedExecutor executor;

  private TrackerProtocolHandler(
      String endpointPath,
      Endpoint endpoint,
      Consumer<TrackerReply> count,
      BoundedExecutor executor) {
    this.endpointPath = endpointPath;
    this.endpoint = endpoint;
    this.count = count;
    this.executor = executor;
  }

  /** {@code /announce} (BEP 3): the raw query and the peer's source address go to the endpoint. */
  static TrackerProtocolHandler announce(
      AnnounceEndpoint endpoint, BoundedExecutor executor, TrackerMetrics metrics) {
    return new TrackerProtocolHandler(
        "/announce", endpoint::announce, metrics::announced, executor);
  }

  /** {@code /scrape} (BEP 48), answered from the peer store's counts. */
  static TrackerProtocolHandler scrape(
      ScrapeEndpoint endpoint, BoundedExecutor executor, TrackerMetrics metrics) {
    return new TrackerProtocolHandler(
        "/scrape",
        (query, remote, forwarded) -> endpoint.scrape(query),
        metrics::scraped,
        executor);
  }

  @Override
  boolean matches(String path) {
    return path.equals(endpointPath);
  }

  @Override
  void handle(ChannelHandlerContext ctx, FullHttpRequest request, RequestTarget target) {
    // The request is released when this returns: take only immutable values along.
    String query = target.rawQuery();
    InetAddress remote = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
    Optional<String> forwardedFor = Optional.ofNullable(request.headers().get("X-Forwarded-For"));
    executor
        .submit(() -> endpoint.answer(query, remote, forwardedFor))
        .whenComplete(
            (reply, error) -> {
              if (error == null) {
                reply(ctx, reply);
                return;
              }
              Throwable cause =
                  error instanceof CompletionException && error.getCause() != null
                      ? error.getCause()
                      : error;
              if (cause instanceof RejectedExecutionException) {
                reply(ctx, TrackerReply.unavailable(BUSY));
                return;
              }
              log.error("GET {} failed", endpointPath, cause);
              ctx.writeAndFlush(
                  HttpResponses.closing(
                      HttpResponses.text(
                          HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error")));
            });
  }

  /** Any thread: Netty hands the write to the channel's event loop. */
  private void reply(ChannelHandlerContext ctx, TrackerReply reply) {
    count.accept(reply);
    ctx.writeAndFlush(HttpResponses.bytes(HttpResponseStatus.OK, "text/plain", reply.body()));
  }
}
