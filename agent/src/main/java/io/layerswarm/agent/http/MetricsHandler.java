package io.layerswarm.agent.http;

import io.layerswarm.agent.metrics.AgentMetrics;
import io.layerswarm.agent.pins.Readiness;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Answers {@code GET} and {@code HEAD /metrics} with the agent's meters as Prometheus text
 * (exposition format 0.0.4), {@code /healthz} with 200 "ok", or 503 naming what is wrong with the
 * agent's threads (a dead or stuck event loop, a stopped pool), {@code /ready} with 200 or 503 and
 * a JSON body ({@link Readiness}), and passes every other request on. It sits in front of the drain
 * gate: a draining agent still answers scrapes, and a scrape is neither refused nor counted as a
 * client response that keeps the drain from finishing.
 *
 * <p>Answers leave in request order (HTTP/1.1 pipelining): a scrape that arrives while requests
 * passed on before it are still being answered waits for the last part of the answer before it.
 * Runs on the channel's event loop only.
 */
final class MetricsHandler extends InOrderHandler<Void> {
  static final String PATH = "/metrics";
  static final String HEALTH_PATH = "/healthz";
  static final String READY_PATH = "/ready";
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final AgentMetrics metrics;

  MetricsHandler(AgentMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    String path = path(request.uri());
    if (request.decoderResult().isFailure()
        || !PATH.equals(path) && !HEALTH_PATH.equals(path) && !READY_PATH.equals(path)) {
      if (owed.passedOn(ctx, null)) {
        ctx.fireChannelRead(msg);
      } else {
        ReferenceCountUtil.release(msg);
      }
      return;
    }
    HttpMethod method = request.method();
    ReferenceCountUtil.release(msg);
    boolean head = HttpMethod.HEAD.equals(method);
    if (!head && !HttpMethod.GET.equals(method)) {
      owed.answer(ctx, notAllowed(path));
      return;
    }
    owed.answer(
        ctx,
        switch (path) {
          case HEALTH_PATH -> health(head);
          case READY_PATH -> ready(head);
          default -> answer(head);
        });
  }

  /** GET and HEAD only (RFC 9110 9.3.2: HEAD has the same headers without the body). */
  private static FullHttpResponse notAllowed(String path) {
    FullHttpResponse refusal =
        text(HttpResponseStatus.METHOD_NOT_ALLOWED, path + " answers GET and HEAD only", false);
    refusal.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
    return refusal;
  }

  /** The meters. */
  private FullHttpResponse answer(boolean head) {
    return full(
        HttpResponseStatus.OK,
        CONTENT_TYPE,
        metrics.scrape().getBytes(StandardCharsets.UTF_8),
        head);
  }

  /** 200 "ok", or 503 with one line per problem. */
  private FullHttpResponse health(boolean head) {
    List<String> problems = metrics.health();
    return problems.isEmpty()
        ? text(HttpResponseStatus.OK, "ok", head)
        : text(HttpResponseStatus.SERVICE_UNAVAILABLE, String.join("\n", problems), head);
  }

  /**
   * 200 when the agent serves and every pinned image is complete, else 503; the body is JSON naming
   * what is missing ({@link Readiness#json}).
   */
  private FullHttpResponse ready(boolean head) {
    Readiness readiness = metrics.readiness();
    FullHttpResponse response =
        full(
            readiness.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
            "application/json",
            (readiness.json() + "\n").getBytes(StandardCharsets.UTF_8),
            head);
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    return response;
  }

  static FullHttpResponse text(HttpResponseStatus status, String message, boolean head) {
    return full(
        status,
        "text/plain; charset=utf-8",
        (message + "\n").getBytes(StandardCharsets.UTF_8),
        head);
  }

  private static FullHttpResponse full(
      HttpResponseStatus status, String contentType, byte[] body, boolean head) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, contentType)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return response;
  }

  /** The request target without its query, as the registry routes compare it. */
  private static String path(String uri) {
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }
}
