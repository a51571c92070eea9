package io.layerswarm.agent.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the one {@code CONNECT} of a proxy connection and turns the connection into what the
 * {@link ConnectDecision} says: the registry API behind TLS, a byte tunnel, or a refusal. Reading
 * pauses from the request until the new pipeline is in place, so no byte of the TLS handshake can
 * reach the HTTP codec. Event loop only.
 */
final class ProxyFrontHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(ProxyFrontHandler.class);
  private static final HttpResponseStatus ESTABLISHED =
      new HttpResponseStatus(200, "Connection established");

  private final HttpsProxyInitializer proxy;

  ProxyFrontHandler(HttpsProxyInitializer proxy) {
    this.proxy = proxy;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!request.decoderResult().isSuccess()) {
      refuse(ctx, 400, "malformed proxy request");
      return;
    }
    if (!HttpMethod.CONNECT.equals(request.method())) {
      refuse(
          ctx,
          405,
          "this is the agent's HTTPS proxy: it takes CONNECT only (clients set HTTPS_PROXY to it,"
              + " not HTTP_PROXY)");
      return;
    }
    ConnectDecision decision = proxy.decide(request.uri());
    ctx.channel().config().setAutoRead(false);
    if (decision instanceof ConnectDecision.Intercept intercept) {
      intercept(ctx, intercept);
    } else if (decision instanceof ConnectDecision.Tunnel tunnel) {
      tunnel(ctx, tunnel);
    } else if (decision instanceof ConnectDecision.Refuse refuse) {
      refuse(ctx, refuse.status(), refuse.reason());
    }
  }

  private void intercept(ChannelHandlerContext ctx, ConnectDecision.Intercept intercept) {
    SslContext context;
    try {
      context = proxy.context(intercept.tlsName());
    } catch (IOException e) {
      log.warn("HTTPS proxy: {}", e.getMessage());
      refuse(ctx, 502, "the agent could not make a certificate for " + intercept.tlsName());
      return;
    }
    Channel channel = ctx.channel();
    ctx.writeAndFlush(established())
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    channel.close();
                    return;
                  }
                  ChannelPipeline pipeline = channel.pipeline();
                  pipeline.remove("proxy-codec");
                  pipeline.remove("proxy-aggregator");
                  pipeline.remove(this);
                  pipeline.addLast("tls", context.newHandler(channel.alloc()));
                  proxy.registry().addRegistryHandlers(pipeline);
                  pipeline.addBefore(
                      "router", "namespace", new NamespaceRewriter(intercept.registry()));
                  channel.config().setAutoRead(true);
                });
  }

  private void tunnel(ChannelHandlerContext ctx, ConnectDecision.Tunnel tunnel) {
    Channel inbound = ctx.channel();
    new Bootstrap()
        .group(inbound.eventLoop())
        .channel(NioSocketChannel.class)
        .option(ChannelOption.AUTO_READ, false)
        .option(
            ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) HttpsProxyInitializer.CONNECT_TIMEOUT.toMillis())
        .handler(new Relay(inbound))
        .connect(tunnel.host(), tunnel.port())
        .addListener(
            (ChannelFutureListener)
                connected -> {
                  if (!connected.isSuccess()) {
                    refuse(
                        ctx,
                        502,
                        "could not connect to "
                            + tunnel.host()
                            + ":"
                            + tunnel.port()
                            + ": "
                            + connected.cause().getMessage());
                    return;
                  }
                  Channel outbound = connected.channel();
                  ctx.writeAndFlush(established())
                      .addListener(
                          (ChannelFutureListener)
                              f -> {
                                if (!f.isSuccess()) {
                                  outbound.close();
                                  inbound.close();
                                  return;
                                }
                                ChannelPipeline pipeline = inbound.pipeline();
                                pipeline.remove("proxy-codec");
                                pipeline.remove("proxy-aggregator");
                                pipeline.remove(this);
                                pipeline.addLast("relay", new Relay(outbound));
                                inbound.read();
                                outbound.read();
                              });
                });
  }

  private static FullHttpResponse established() {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, ESTABLISHED, Unpooled.EMPTY_BUFFER);
    // No Content-Length: a 2xx answer to CONNECT has no body (RFC 9110 9.3.6).
    return response;
  }

  private static void refuse(ChannelHandlerContext ctx, int status, String reason) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(status),
            Unpooled.copiedBuffer(reason + "\n", StandardCharsets.UTF_8));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("HTTPS proxy connection failed: {}", cause.toString());
    ctx.close();
  }
}
