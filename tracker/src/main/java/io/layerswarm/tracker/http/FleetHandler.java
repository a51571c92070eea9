package io.layerswarm.tracker.http;

import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.tracker.announce.PeerSource;
import io.layerswarm.tracker.announce.TrustedProxies;
import io.layerswarm.tracker.fleet.Fleet;
import io.layerswarm.tracker.fleet.FleetAgentId;
import io.layerswarm.tracker.fleet.FleetOrder;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /fleet}: an agent's poll for fleet preheats, with its report on the job it runs
 * ({@link FleetRequest}). Answers a bencoded dictionary: empty, or {@code job} holding {@code id},
 * {@code image} and, when the job names one, {@code platform}. A bad query gets 400 with {@code
 * failure reason}, a full store pool 503. The agent is told apart by the address its request comes
 * from (as for announces, so a trusted proxy's {@code X-Forwarded-For}) and its {@code port}. With
 * a cluster secret, the {@link SignedRequestsHandler} in front of it has let only members through.
 */
@ChannelHandler.Sharable
final class FleetHandler extends RouteHandler {
  static final String PATH = "/fleet";
  private static final Logger log = LoggerFactory.getLogger(FleetHandler.class);

  private final Fleet fleet;
  private final BoundedExecutor executor;
  private final TrustedProxies proxies;

  FleetHandler(Fleet fleet, BoundedExecutor executor, TrustedProxies proxies) {
    this.fleet = fleet;
    this.executor = executor;
    this.proxies = proxies;
  }

  @Override
  boolean matches(String path) {
    return PATH.equals(path);
  }

  @Override
  void handle(ChannelHandlerContext ctx, FullHttpRequest request, RequestTarget target) {
    FleetAgentId agent;
    FleetRequest poll;
    try {
      poll = FleetRequest.parse(target.rawQuery());
      InetAddress remote = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
      InetAddress ip =
          PeerSource.ip(
              remote,
              Optional.ofNullable(request.headers().get("X-Forwarded-For")),
              Optional.empty(),
              proxies);
      agent = new FleetAgentId(ip, poll.port());
    } catch (RuntimeException e) {
      // A bad parameter, or a trusted proxy's X-Forwarded-For that is no usable address.
      ctx.writeAndFlush(failure(HttpResponseStatus.BAD_REQUEST, e.getMessage()));
      return;
    }
    executor
        .submit(() -> fleet.poll(agent, poll.location(), poll.interval(), poll.report()))
        .whenComplete(
            (order, failed) -> {
              Throwable error =
                  failed instanceof java.util.concurrent.CompletionException
                          && failed.getCause() != null
                      ? failed.getCause()
                      : failed;
              if (error == null) {
                ctx.writeAndFlush(
                    HttpResponses.bytes(
                        HttpResponseStatus.OK, "text/plain", Bencode.encode(answer(order))));
              } else if (error instanceof RejectedExecutionException) {
                ctx.writeAndFlush(
                    failure(HttpResponseStatus.SERVICE_UNAVAILABLE, TrackerProtocolHandler.BUSY));
              } else {
                log.error("fleet poll from {} failed", agent, error);
                ctx.writeAndFlush(
                    failure(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error"));
              }
            });
  }

  private static Map<String, Object> answer(Optional<FleetOrder> order) {
    if (order.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("id", order.get().job().value());
    job.put("image", order.get().image());
    order.get().platform().ifPresent(p -> job.put("platform", p));
    return Map.of("job", job);
  }

  private static io.netty.handler.codec.http.FullHttpResponse failure(
      HttpResponseStatus status, String reason) {
    return HttpResponses.bytes(
        status, "text/plain", Bencode.encode(Map.of("failure reason", reason)));
  }
}
