package io.layerswarm.agent.http;

import io.layerswarm.agent.mirror.BlobRequest;
import io.layerswarm.agent.mirror.ManifestRequest;
import io.layerswarm.registry.RegistryHost;
import io.layerswarm.registry.server.RegistryApiException;
import io.layerswarm.registry.server.Route;
import io.layerswarm.registry.server.RouteParser;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Understands the pull side of the registry API (OCI distribution spec, "Pull"): the target by
 * {@link RouteParser}, and the headers the answers need. Each whole HTTP request becomes a {@link
 * RegistryRequest} (the HTTP request is released), a refused one included, so that the drain gate
 * behind sees every request before any is answered. Event loop only.
 */
final class RegistryRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(RegistryRouter.class);

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    ctx.fireChannelRead(route(request));
  }

  /** What {@code request} asks for; a target the registry API does not serve is refused. */
  static RegistryRequest route(FullHttpRequest request) {
    String line = request.method() + " " + request.uri();
    boolean head = HttpMethod.HEAD.equals(request.method());
    if (request.decoderResult().isFailure()) {
      return RequestSizeGuard.refusal(line, request.decoderResult().cause());
    }
    try {
      return understood(
          request, line, head, RouteParser.parse(request.method().name(), request.uri()));
    } catch (RegistryApiException e) {
      return new RegistryRequest.Refused(line, head, HttpError.of(e));
    } catch (RuntimeException e) {
      log.error("routing {} failed", line, e);
      return new RegistryRequest.Refused(line, head, HttpError.of(e));
    }
  }

  private static RegistryRequest understood(
      FullHttpRequest request, String line, boolean head, Route route) {
    if (route instanceof Route.Base) {
      return new RegistryRequest.Base(line, head);
    }
    if (route instanceof Route.ManifestRoute manifest) {
      return new RegistryRequest.ManifestCall(
          line,
          head,
          new ManifestRequest(
              registry(manifest.namespace()), manifest.name(), manifest.reference()),
          request.headers().getAll(HttpHeaderNames.ACCEPT));
    }
    if (route instanceof Route.BlobRoute blob) {
      return new RegistryRequest.BlobCall(
          line,
          head,
          new BlobRequest(registry(blob.namespace()), blob.name(), blob.digest()),
          Optional.ofNullable(request.headers().get(HttpHeaderNames.RANGE)));
    }
    throw new IllegalStateException("unhandled route " + route);
  }

  /** The parser has checked the namespace's grammar and normalized it. */
  private static Optional<RegistryHost> registry(Optional<String> namespace) {
    return namespace.map(RegistryHost::of);
  }
}
