package io.layerswarm.agent.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.QueryStringEncoder;
import java.util.List;
import java.util.Map;

/**
 * On an intercepted connection every request is for the registry the client connected to: the
 * request target gets that registry as containerd's {@code ns} parameter (any {@code ns} the client
 * sent is replaced), so the router picks its upstream as for a containerd mirror request.
 */
final class NamespaceRewriter extends ChannelInboundHandlerAdapter {
  private final String registry;

  NamespaceRewriter(String registry) {
    this.registry = registry;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof FullHttpRequest request && request.decoderResult().isSuccess()) {
      request.setUri(rewrite(request.uri(), registry));
    }
    ctx.fireChannelRead(msg);
  }

  static String rewrite(String uri, String registry) {
    QueryStringDecoder decoded = new QueryStringDecoder(uri);
    QueryStringEncoder encoder = new QueryStringEncoder(decoded.rawPath());
    Map<String, List<String>> parameters;
    try {
      parameters = decoded.parameters();
    } catch (IllegalArgumentException e) {
      return uri; // a malformed query: the router refuses it as it is
    }
    parameters.forEach(
        (name, values) -> {
          if (!name.equals("ns")) {
            values.forEach(v -> encoder.addParam(name, v));
          }
        });
    encoder.addParam("ns", registry);
    return encoder.toString();
  }
}
