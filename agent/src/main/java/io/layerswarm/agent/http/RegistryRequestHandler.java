package io.layerswarm.agent.http;

import io.layerswarm.agent.metrics.AgentMetrics;
import io.layerswarm.agent.metrics.AgentMetrics.BlobResult;
import io.layerswarm.agent.metrics.AgentMetrics.ManifestResult;
import io.layerswarm.agent.mirror.BlobBody;
import io.layerswarm.agent.mirror.LiveBlob;
import io.layerswarm.agent.mirror.MirrorException;
import io.layerswarm.agent.mirror.OpenBlob;
import io.layerswarm.agent.mirror.RegistryMirror;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.client.UpstreamRegistry.ManifestHead;
import io.layerswarm.registry.server.ErrorCode;
import io.layerswarm.registry.server.RegistryApiException;
import io.layerswarm.registry.server.Route;
import io.layerswarm.registry.server.RouteParser;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the pull side of the registry API (OCI distribution spec, "Pull"): routes each request
 * with {@link RouteParser}, asks the {@link RegistryMirror}, and writes the answer. The mirror's
 * futures complete on other threads; their results are handed back to this channel's event loop,
 * which alone touches the handler's state. One request per connection is answered at a time:
 * reading pauses (autoRead off) until the answer is written, and pipelined requests wait in order.
 *
 * <p>Blob GETs: a cached blob goes out zero-copy; a blob still arriving is streamed ({@link
 * StreamingBody}, read on a pump thread) and its head goes out with the first verified bytes. If
 * the blob fails before its first byte the answer is an error status; if it fails later (for
 * example its digest check) the connection is closed before the body is complete, so the client
 * sees a short read and retries, and never a complete wrong blob.
 */
final class RegistryRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(RegistryRequestHandler.class);
  private static final int MAX_PIPELINED = 16;
  private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.UTF_8);

  private final RegistryMirror mirror;
  private final ExecutorService pumps;
  private final AgentMetrics metrics;
  private final Queue<FullHttpRequest> pipelined = new ArrayDeque<>();
  private boolean busy;

  /**
   * @param pumps runs the blocking reads of blobs streamed while they arrive
   * @param metrics counts manifest and blob answers
   */
  RegistryRequestHandler(RegistryMirror mirror, ExecutorService pumps, AgentMetrics metrics) {
    this.mirror = mirror;
    this.pumps = pumps;
    this.metrics = metrics;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (busy) {
      if (pipelined.size() >= MAX_PIPELINED) {
        ctx.close();
        return;
      }
      pipelined.add(request.retain());
      return;
    }
    handle(ctx, request);
  }

  private void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
    busy = true;
    ctx.channel().config().setAutoRead(false);
    boolean head = HttpMethod.HEAD.equals(request.method());
    Route route;
    try {
      route = RouteParser.parse(request.method().name(), request.uri());
    } catch (RegistryApiException e) {
      respond(ctx, Responses.error(HttpError.of(e), head));
      return;
    } catch (RuntimeException e) {
      log.error("routing {} {} failed", request.method(), request.uri(), e);
      respond(ctx, Responses.error(HttpError.of(e), head));
      return;
    }
    if (route instanceof Route.Base) {
      respond(ctx, Responses.full(HttpResponseStatus.OK, "application/json", EMPTY_JSON, head));
    } else if (route instanceof Route.ManifestRoute manifest) {
      List<String> accept = request.headers().getAll(HttpHeaderNames.ACCEPT);
      if (head) {
        onLoop(
            ctx,
            mirror.headManifest(manifest, accept),
            (found, error) -> {
              metrics.manifestRequest(manifestResult(error));
              respond(ctx, error != null ? failure(request, error, true) : manifestHead(found));
            });
      } else {
        onLoop(
            ctx,
            mirror.getManifest(manifest, accept),
            (found, error) -> {
              metrics.manifestRequest(manifestResult(error));
              respond(ctx, error != null ? failure(request, error, false) : manifest(found));
            });
      }
    } else if (route instanceof Route.BlobRoute blob) {
      if (head) {
        onLoop(
            ctx,
            mirror.statBlob(blob),
            (found, error) ->
                respond(
                    ctx,
                    error != null ? failure(request, error, true) : BlobResponder.head(found)));
      } else {
        Optional<String> range = Optional.ofNullable(request.headers().get(HttpHeaderNames.RANGE));
        long started = System.nanoTime();
        CompletableFuture<BlobBody> opened = mirror.openBlob(blob);
        onLoop(
            ctx,
            opened,
            (found, error) -> {
              if (error != null) {
                metrics.blobRequest(isNotFound(error) ? BlobResult.NOT_FOUND : BlobResult.ERROR);
                respond(ctx, failure(request, error, false));
              } else if (!ctx.channel().isActive()) {
                found.discard();
                next(ctx);
              } else if (found instanceof OpenBlob stored) {
                metrics.blobRequest(BlobResult.HIT);
                BlobResponder.write(ctx, stored, range)
                    .addListener(f -> written(ctx, (ChannelFuture) f));
              } else if (found instanceof LiveBlob live) {
                stream(ctx, request, live, range, started);
              }
            });
      }
    } else {
      respond(
          ctx,
          Responses.error(
              HttpError.of(new IllegalStateException("unhandled route " + route)), head));
    }
  }

  /**
   * Answers a GET with a blob that is still arriving: starts the pump, and writes the head once the
   * first bytes are ready (or an error answer if the blob failed before any byte).
   */
  private void stream(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      LiveBlob live,
      Optional<String> range,
      long startedNanos) {
    ByteRange.Request wanted = ByteRange.parse(range, live.size());
    if (wanted instanceof ByteRange.Unsatisfiable) {
      live.discard();
      metrics.blobRequest(BlobResult.MISS);
      respond(ctx, BlobResponder.rangeNotSatisfiable(live.digest(), live.size(), range));
      return;
    }
    ChunkedWriteHandler writer = ctx.pipeline().get(ChunkedWriteHandler.class);
    if (writer == null) {
      throw new IllegalStateException("the pipeline has no chunked writer to stream with");
    }
    StreamingBody body;
    try {
      body = BlobResponder.startStream(live, wanted, pumps, ctx.alloc(), writer::resumeTransfer);
    } catch (RejectedExecutionException e) {
      metrics.blobRequest(BlobResult.ERROR);
      respond(
          ctx,
          Responses.error(
              new HttpError(
                  HttpResponseStatus.valueOf(ErrorCode.UNAVAILABLE.httpStatus()),
                  ErrorCode.UNAVAILABLE,
                  "agent is busy: no thread free to stream blob " + live.digest()),
              false));
      return;
    }
    // A client that goes away before the first byte must stop the pump too.
    ChannelFutureListener onClose = f -> body.close();
    ctx.channel().closeFuture().addListener(onClose);
    onLoop(
        ctx,
        body.ready(),
        (ok, error) -> {
          if (error != null || !ctx.channel().isActive()) {
            body.close();
            ctx.channel().closeFuture().removeListener(onClose);
            if (ctx.channel().isActive()) {
              metrics.blobRequest(isNotFound(error) ? BlobResult.NOT_FOUND : BlobResult.ERROR);
              respond(ctx, failure(request, error, false));
            } else {
              next(ctx);
            }
            return;
          }
          metrics.blobRequest(BlobResult.MISS);
          if (log.isDebugEnabled()) {
            log.debug(
                "{} {}: first bytes of {} ready to send after {} ms",
                request.method(),
                request.uri(),
                live.digest(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
          }
          BlobResponder.writeStream(ctx, live.digest(), live.size(), wanted, body)
              .addListener(
                  f -> {
                    ctx.channel().closeFuture().removeListener(onClose);
                    if (!f.isSuccess()) {
                      Throwable why = HttpError.unwrap(f.cause());
                      if (why instanceof MirrorException) {
                        log.warn(
                            "{} {}: aborted the response, the client will retry: {}",
                            request.method(),
                            request.uri(),
                            why.getMessage());
                      } else {
                        log.debug(
                            "{} {}: response cut short: {}",
                            request.method(),
                            request.uri(),
                            why.toString());
                      }
                    }
                    written(ctx, (ChannelFuture) f);
                  });
        });
  }

  private static FullHttpResponse manifest(Manifest manifest) {
    FullHttpResponse response =
        Responses.full(HttpResponseStatus.OK, manifest.mediaType(), manifest.bytes(), false);
    response.headers().set(Responses.DIGEST_HEADER, manifest.digest().toString());
    return response;
  }

  private static FullHttpResponse manifestHead(ManifestHead head) {
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

  private static ManifestResult manifestResult(Throwable error) {
    return error == null
        ? ManifestResult.OK
        : isNotFound(error) ? ManifestResult.NOT_FOUND : ManifestResult.ERROR;
  }

  private static boolean isNotFound(Throwable error) {
    return HttpError.of(error).status().equals(HttpResponseStatus.NOT_FOUND);
  }

  private static FullHttpResponse failure(FullHttpRequest request, Throwable error, boolean head) {
    HttpError answer = HttpError.of(error);
    if (HttpError.isInternal(error)) {
      log.error("{} {} failed", request.method(), request.uri(), HttpError.unwrap(error));
    } else {
      log.debug(
          "{} {} -> {} {}",
          request.method(),
          request.uri(),
          answer.status().code(),
          answer.message());
    }
    return Responses.error(answer, head);
  }

  /**
   * Runs {@code action} on this channel's event loop when {@code future} completes. If the action
   * itself fails, the connection is closed rather than left waiting for an answer.
   */
  private static <T> void onLoop(
      ChannelHandlerContext ctx, CompletableFuture<T> future, BiConsumer<T, Throwable> action) {
    future.whenCompleteAsync(
        (value, error) -> {
          try {
            action.accept(value, error);
          } catch (RuntimeException e) {
            log.error("answering on {} failed; closing it", ctx.channel(), e);
            if (value instanceof BlobBody body) {
              body.discard();
            }
            ctx.close();
          }
        },
        ctx.executor());
  }

  private void respond(ChannelHandlerContext ctx, FullHttpResponse response) {
    ctx.writeAndFlush(response).addListener(f -> written(ctx, (ChannelFuture) f));
  }

  private void written(ChannelHandlerContext ctx, ChannelFuture write) {
    if (!write.isSuccess()) {
      log.debug("writing a response failed; closing {}", ctx.channel(), write.cause());
      ctx.close(); // channelInactive releases what is queued
      return;
    }
    next(ctx);
  }

  /** The answer is out: take the next pipelined request, or resume reading. */
  private void next(ChannelHandlerContext ctx) {
    busy = false;
    FullHttpRequest queued = pipelined.poll();
    if (queued != null) {
      try {
        handle(ctx, queued);
      } finally {
        queued.release();
      }
      return;
    }
    if (ctx.channel().isActive()) {
      ctx.channel().config().setAutoRead(true);
      ctx.read();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    FullHttpRequest queued;
    while ((queued = pipelined.poll()) != null) {
      queued.release();
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("closing {} after an error", ctx.channel(), cause);
    ctx.close();
  }
}
