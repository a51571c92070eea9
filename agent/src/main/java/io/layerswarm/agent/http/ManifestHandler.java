package io.layerswarm.agent.http;

import io.layerswarm.agent.metrics.AgentMetrics;
import io.layerswarm.agent.metrics.AgentMetrics.ManifestResult;
import io.layerswarm.agent.mirror.RegistryMirror;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.client.UpstreamRegistry.ManifestHead;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Answers manifest GETs and HEADs from the {@link RegistryMirror}: the manifest's exact bytes,
 * media type and digest, or the error the mirror failed with. Counts each answer in the metrics.
 * Passes other requests on. Runs on the channel's event loop only.
 */
final class ManifestHandler extends ChannelInboundHandlerAdapter {
  private final RegistryMirror mirror;
  private final AgentMetrics metrics;

  ManifestHandler(RegistryMirror mirror, AgentMetrics metrics) {
    this.mirror = mirror;
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof RegistryRequest.ManifestCall call)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (call.head()) {
      answer(ctx, call, mirror.headManifest(call.manifest(), call.accept()), ManifestHandler::head);
    } else {
      answer(ctx, call, mirror.getManifest(call.manifest(), call.accept()), ManifestHandler::get);
    }
  }

  /** Writes what the mirror found, or the error it failed with, and counts the answer. */
  private <T> void answer(
      ChannelHandlerContext ctx,
      RegistryRequest.ManifestCall call,
      CompletableFuture<T> found,
      Function<T, FullHttpResponse> ok) {
    OnLoop.whenComplete(
        ctx,
        found,
        (value, error) -> {
          metrics.manifestRequest(result(error));
          ctx.writeAndFlush(error != null ? Responses.failure(call, error) : ok.apply(value));
        });
  }

  private static FullHttpResponse get(Manifest manifest) {
    FullHttpResponse response =
        Responses.full(HttpResponseStatus.OK, manifest.mediaType(), manifest.bytes(), false);
    response.headers().set(Responses.DIGEST_HEADER, manifest.digest().toString());
    return response;
  }

  private static FullHttpResponse head(ManifestHead head) {
    FullHttpResponse response =
        Responses.withApiVersion(
            new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, head.mediaType())
        .set(HttpHeaderNames.CONTENT_LENGTH, head.size())
        .set(Responses.DIGEST_HEADER, head.digest().toString());
    return response;
  }

  private static ManifestResult result(Throwable error) {
    if (error == null) {
      return ManifestResult.OK;
    }
    return HttpError.isNotFound(error) ? ManifestResult.NOT_FOUND : ManifestResult.ERROR;
  }
}
