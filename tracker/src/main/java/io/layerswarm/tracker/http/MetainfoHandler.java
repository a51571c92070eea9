package io.layerswarm.tracker.http;

import io.layerswarm.tracker.announce.Parsed;
import io.layerswarm.tracker.metainfo.MetainfoUnavailableException;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metainfo/sha256:<hex>?registry=<host[:port]>&repo=<name>}. Validates on the event
 * loop, fetches through the {@link MetainfoFetcher} (never blocking the loop), and writes the
 * answer when the fetch completes: 200 {@code application/x-bittorrent}; 400 JSON naming the bad
 * parameter; 404 when the blob does not exist; 502 when no seeder answered; 503 when too many
 * fetches are running. With a cluster secret, the {@link SignedRequestsHandler} in front of it has
 * let only members through: a request from anyone else never makes a seeder fetch a blob.
 */
@ChannelHandler.Sharable
final class MetainfoHandler extends RouteHandler {
  private static final Logger log = LoggerFactory.getLogger(MetainfoHandler.class);
  private static final int RETRY_AFTER_SECONDS = 5;
  private final MetainfoFetcher fetcher;
  private final TrackerMetrics metrics;

  MetainfoHandler(MetainfoFetcher fetcher, TrackerMetrics metrics) {
    this.fetcher = fetcher;
    this.metrics = metrics;
  }

  @Override
  boolean matches(String path) {
    return path.startsWith(MetainfoRequest.PATH_PREFIX);
  }

  @Override
  void handle(ChannelHandlerContext ctx, FullHttpRequest request, RequestTarget target) {
    Parsed<MetainfoRequest> parsed = MetainfoRequest.parse(target.path(), target.rawQuery());
    if (parsed instanceof Parsed.Invalid<MetainfoRequest> invalid) {
      metrics.metainfo("invalid");
      ctx.writeAndFlush(
          HttpResponses.jsonError(
              HttpResponseStatus.BAD_REQUEST,
              "invalid_parameter",
              invalid.parameter(),
              invalid.message()));
      return;
    }
    MetainfoRequest key = ((Parsed.Valid<MetainfoRequest>) parsed).value();
    fetcher
        .fetch(key)
        .whenComplete(
            (bytes, error) -> {
              // Runs on a fetcher thread (or here, if already done); writeAndFlush hands the write
              // to the channel's event loop. If the client has gone, the write fails and is
              // released.
              ctx.writeAndFlush(error == null ? found(bytes) : failed(key, error));
            });
  }

  private FullHttpResponse found(byte[] bytes) {
    metrics.metainfo("ok");
    return HttpResponses.bytes(HttpResponseStatus.OK, HttpResponses.BITTORRENT, bytes);
  }

  private FullHttpResponse failed(MetainfoRequest key, Throwable error) {
    Throwable cause =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof MetainfoUnavailableException e && e.notFound()) {
      metrics.metainfo("not_found");
      return HttpResponses.jsonError(
          HttpResponseStatus.NOT_FOUND, "not_found", null, e.getMessage());
    }
    if (cause instanceof MetainfoUnavailableException e) {
      metrics.metainfo("unavailable");
      return HttpResponses.jsonError(
          HttpResponseStatus.BAD_GATEWAY, "unavailable", null, e.getMessage());
    }
    if (cause instanceof RejectedExecutionException) {
      metrics.metainfo("busy");
      FullHttpResponse response =
          HttpResponses.jsonError(
              HttpResponseStatus.SERVICE_UNAVAILABLE,
              "busy",
              null,
              "too many metainfo fetches are running; retry later");
      response.headers().setInt(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
      return response;
    }
    log.error(
        "get metainfo of {} in {}/{} failed", key.digest(), key.registry(), key.repo(), cause);
    metrics.metainfo("error");
    return HttpResponses.jsonError(
        HttpResponseStatus.INTERNAL_SERVER_ERROR,
        "internal_error",
        null,
        "get metainfo of " + key.digest() + " failed");
  }
}
