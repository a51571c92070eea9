package io.layerswarm.agent.http;

import io.layerswarm.agent.metrics.AgentMetrics;
import io.layerswarm.agent.metrics.AgentMetrics.BlobResult;
import io.layerswarm.agent.mirror.LiveBlob;
import io.layerswarm.agent.mirror.MirrorException;
import io.layerswarm.agent.mirror.OpenBlob;
import io.layerswarm.agent.mirror.RegistryMirror;
import io.layerswarm.registry.server.ErrorCode;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers blob HEADs and GETs from the {@link RegistryMirror}, and counts each GET's answer in the
 * metrics. A cached blob goes out zero-copy; a blob still arriving is streamed ({@link
 * StreamingBody}, read on a pump thread) and its head goes out with the first verified bytes. If
 * the blob fails before its first byte the answer is an error status; if it fails later (for
 * example its digest check) the connection is closed before the body is complete, so the client
 * sees a short read and retries, and never a complete wrong blob.
 *
 * <p>The last handler of the registry pipeline: an exception that reaches it closes the connection.
 * Runs on the channel's event loop only.
 */
final class BlobHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(BlobHandler.class);

  private final RegistryMirror mirror;
  private final ExecutorService pumps;
  private final AgentMetrics metrics;

  /**
   * @param pumps runs the blocking reads of blobs streamed while they arrive
   */
  BlobHandler(RegistryMirror mirror, ExecutorService pumps, AgentMetrics metrics) {
    this.mirror = mirror;
    this.pumps = pumps;
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof RegistryRequest.BlobCall call)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (call.head()) {
      OnLoop.whenComplete(
          ctx,
          mirror.statBlob(call.blob()),
          (found, error) ->
              ctx.writeAndFlush(
                  error != null ? Responses.failure(call, error) : BlobResponder.head(found)));
      return;
    }
    long started = System.nanoTime();
    if (call.range().isEmpty()) {
      get(ctx, call, started);
      return;
    }
    // A range past the end gets 416 before a fetch starts: a blob the agent lacks is not pulled
    // from the origin for a request that gets none of it. The size comes from the store or an
    // upstream HEAD.
    OnLoop.whenComplete(
        ctx,
        mirror.statBlob(call.blob()),
        (found, error) -> {
          if (error != null) {
            fail(ctx, call, error);
          } else if (ByteRange.parse(call.range(), found.size())
              instanceof ByteRange.Unsatisfiable) {
            metrics.blobRequest(BlobResult.MISS);
            ctx.writeAndFlush(
                BlobResponder.rangeNotSatisfiable(found.digest(), found.size(), call.range()));
          } else if (ctx.channel().isActive()) {
            get(ctx, call, started);
          }
        });
  }

  /** Answers a GET whose mirror call failed with its error, and counts it. */
  private void fail(ChannelHandlerContext ctx, RegistryRequest.BlobCall call, Throwable error) {
    metrics.blobRequest(HttpError.isNotFound(error) ? BlobResult.NOT_FOUND : BlobResult.ERROR);
    ctx.writeAndFlush(Responses.failure(call, error));
  }

  /** Answers a GET with the blob, from the store or while it arrives. */
  private void get(ChannelHandlerContext ctx, RegistryRequest.BlobCall call, long started) {
    OnLoop.whenComplete(
        ctx,
        mirror.openBlob(call.blob()),
        (found, error) -> {
          if (error != null) {
            fail(ctx, call, error);
          } else if (!ctx.channel().isActive()) {
            found.discard();
          } else if (found instanceof OpenBlob stored) {
            metrics.blobRequest(BlobResult.HIT);
            BlobResponder.write(ctx, stored, call.range());
          } else if (found instanceof LiveBlob live) {
            stream(ctx, call, live, started);
          }
        });
  }

  /**
   * Answers a GET with a blob that is still arriving: starts the pump, and writes the head once the
   * first bytes are ready (or an error answer if the blob failed before any byte).
   */
  private void stream(
      ChannelHandlerContext ctx, RegistryRequest.BlobCall call, LiveBlob live, long startedNanos) {
    ByteRange.Request wanted = ByteRange.parse(call.range(), live.size());
    if (wanted instanceof ByteRange.Unsatisfiable) {
      live.discard();
      metrics.blobRequest(BlobResult.MISS);
      ctx.writeAndFlush(
          BlobResponder.rangeNotSatisfiable(live.digest(), live.size(), call.range()));
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
      ctx.writeAndFlush(
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
    OnLoop.whenComplete(
        ctx,
        body.ready(),
        (ok, error) -> {
          if (error != null || !ctx.channel().isActive()) {
            body.close();
            ctx.channel().closeFuture().removeListener(onClose);
            if (ctx.channel().isActive()) {
              metrics.blobRequest(
                  HttpError.isNotFound(error) ? BlobResult.NOT_FOUND : BlobResult.ERROR);
              ctx.writeAndFlush(Responses.failure(call, error));
            }
            return;
          }
          metrics.blobRequest(BlobResult.MISS);
          if (log.isDebugEnabled()) {
            log.debug(
                "{}: first bytes of {} ready to send after {} ms",
                call.line(),
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
                            "{}: aborted the response, the client will retry: {}",
                            call.line(),
                            why.getMessage());
                      } else {
                        log.debug("{}: response cut short: {}", call.line(), why.toString());
                      }
                    }
                  });
        });
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("closing {} after an error", ctx.channel(), cause);
    ctx.close();
  }
}
