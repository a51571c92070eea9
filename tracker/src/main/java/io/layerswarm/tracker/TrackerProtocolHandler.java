package io.layerswarm.tracker;

import io.layerswarm.tracker.announce.TrackerReply;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shell of a BitTorrent tracker endpoint ({@code /announce}, {@code /scrape}): checks the
 * passkey on the event loop, computes the bencoded reply on the {@link StoreExecutor} (it reads the
 * peer store, which may block), and writes it with HTTP 200, as BEP 3 clients expect even for a
 * failure. A full store pool is answered with the failure reason {@value #BUSY}; a refused passkey
 * stores nothing.
 */
abstract class TrackerProtocolHandler extends RouteHandler {
  static final String BUSY = "tracker busy, retry";
  private static final Logger log = LoggerFactory.getLogger(TrackerProtocolHandler.class);

  private final String endpointPath;
  private final PasskeyGate gate;
  private final StoreExecutor executor;
  private final TrackerMetrics metrics;

  TrackerProtocolHandler(
      String endpointPath, PasskeyGate gate, StoreExecutor executor, TrackerMetrics metrics) {
    this.endpointPath = endpointPath;
    this.gate = gate;
    this.executor = executor;
    this.metrics = metrics;
  }

  /** Computes the reply; runs on a store pool thread and may block on the store. */
  abstract TrackerReply answer(String rawQuery, InetAddress remote);

  /** Counts the reply in the metrics. */
  abstract void count(TrackerMetrics metrics, TrackerReply reply);

  @Override
  final boolean matches(String path) {
    return gate.check(path, endpointPath) != PasskeyGate.Verdict.NOT_THIS_ENDPOINT;
  }

  @Override
  final void handle(ChannelHandlerContext ctx, FullHttpRequest request, RequestTarget target) {
    switch (gate.check(target.path(), endpointPath)) {
      case MISSING -> {
        reply(ctx, TrackerReply.failure(PasskeyGate.MISSING_REASON));
        return;
      }
      case WRONG -> {
        reply(ctx, TrackerReply.failure(PasskeyGate.WRONG_REASON));
        return;
      }
      default -> {}
    }
    // The request is released when this returns: take only immutable values along.
    String query = target.rawQuery();
    InetAddress remote = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
    executor
        .submit(() -> answer(query, remote))
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
    count(metrics, reply);
    ctx.writeAndFlush(HttpResponses.bytes(HttpResponseStatus.OK, "text/plain", reply.body()));
  }
}
