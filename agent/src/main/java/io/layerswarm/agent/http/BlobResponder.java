package io.layerswarm.agent.http;

import io.layerswarm.agent.mirror.BlobInfo;
import io.layerswarm.agent.mirror.LiveBlob;
import io.layerswarm.agent.mirror.OpenBlob;
import io.layerswarm.core.Digest;
import io.layerswarm.registry.server.ErrorCode;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * Writes blob answers. A stored blob goes out as one {@link DefaultFileRegion} (zero-copy, never
 * through heap buffers); the region owns the file channel and closes it when written or dropped. A
 * blob still arriving goes out as a {@link StreamingBody} through the chunked writer, with the same
 * headers (its Content-Length is the blob's size from the metainfo or the origin). Call on the
 * channel's event loop.
 */
final class BlobResponder {
  private static final String OCTET_STREAM = "application/octet-stream";

  private BlobResponder() {}

  /** {@code HEAD}: the headers a GET would have, no body. */
  static FullHttpResponse head(BlobInfo blob) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
    blobHeaders(response.headers(), blob.digest().toString(), blob.size());
    return Responses.withApiVersion(response);
  }

  /**
   * {@code GET} of a stored blob: the whole blob (200), one range of it (206), or 416 when the
   * range starts past the end. Takes ownership of {@code blob}; its lease ends with the last write.
   *
   * @return the future of the last write
   */
  static ChannelFuture write(ChannelHandlerContext ctx, OpenBlob blob, Optional<String> range) {
    long size = blob.size();
    ByteRange.Request request = ByteRange.parse(range, size);
    if (request instanceof ByteRange.Unsatisfiable) {
      blob.discard();
      return ctx.writeAndFlush(rangeNotSatisfiable(blob.digest(), size, range));
    }
    long first = 0;
    long length = size;
    if (request instanceof ByteRange.Partial partial) {
      first = partial.range().first();
      length = partial.range().length();
    }
    ctx.write(responseHead(blob.digest(), size, request));
    if (length > 0) {
      ctx.write(new DefaultFileRegion(blob.channel(), first, length));
    } else {
      blob.discard();
    }
    ChannelFuture last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    last.addListener(f -> blob.releaseLease());
    return last;
  }

  /**
   * Starts reading the bytes a {@code GET} of a live blob asks for. The caller writes them with
   * {@link #writeStream} once {@link StreamingBody#ready()} completes, or closes the body. Takes
   * ownership of {@code live}.
   *
   * @param request what the Range header asks of the blob; not {@link ByteRange.Unsatisfiable}
   * @param onReady called (on the pump's thread) whenever a chunk, the end or a failure is ready
   * @throws java.util.concurrent.RejectedExecutionException when no pump thread is free (the live
   *     blob is then discarded)
   */
  static StreamingBody startStream(
      LiveBlob live,
      ByteRange.Request request,
      ExecutorService pumps,
      ByteBufAllocator alloc,
      Runnable onReady) {
    long first = 0;
    long length = live.size();
    if (request instanceof ByteRange.Partial partial) {
      first = partial.range().first();
      length = partial.range().length();
    } else if (!(request instanceof ByteRange.Whole)) {
      live.discard();
      throw new IllegalArgumentException("cannot stream " + request);
    }
    StreamingBody body;
    try {
      body = new StreamingBody(live.open(first, length), length, alloc);
    } catch (RuntimeException e) {
      live.discard();
      throw e;
    }
    body.onReady(onReady);
    body.start(pumps);
    return body;
  }

  /**
   * Writes the head and the body of a live blob whose first chunk is ready.
   *
   * @return the future of the body's write: it fails, and the caller must close the connection,
   *     when the blob fails (for example its digest check) before the body is complete
   */
  static ChannelFuture writeStream(
      ChannelHandlerContext ctx,
      Digest digest,
      long size,
      ByteRange.Request request,
      StreamingBody body) {
    ctx.write(responseHead(digest, size, request));
    return ctx.writeAndFlush(new HttpChunkedInput(body));
  }

  /** 416 with {@code Content-Range: bytes *}{@code /size} (RFC 9110 15.5.17). */
  static FullHttpResponse rangeNotSatisfiable(Digest digest, long size, Optional<String> range) {
    FullHttpResponse response =
        Responses.error(
            new HttpError(
                HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                ErrorCode.RANGE_INVALID,
                "range "
                    + printable(range.orElse(""))
                    + " is outside blob "
                    + digest
                    + " of "
                    + size
                    + " bytes"),
            false);
    response.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size);
    return response;
  }

  private static HttpResponse responseHead(Digest digest, long size, ByteRange.Request request) {
    HttpResponse response;
    long length = size;
    if (request instanceof ByteRange.Partial partial) {
      length = partial.range().length();
      response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.PARTIAL_CONTENT);
      response.headers().set(HttpHeaderNames.CONTENT_RANGE, partial.range().contentRange(size));
    } else {
      response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    }
    blobHeaders(response.headers(), digest.toString(), length);
    return Responses.withApiVersion(response);
  }

  private static void blobHeaders(HttpHeaders headers, String digest, long contentLength) {
    headers
        .set(HttpHeaderNames.CONTENT_TYPE, OCTET_STREAM)
        .set(HttpHeaderNames.CONTENT_LENGTH, contentLength)
        .set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES)
        .set(Responses.DIGEST_HEADER, digest);
  }

  /** A header value for an error message: printable ASCII only, and not too long. */
  private static String printable(String value) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length() && out.length() < 100; i++) {
      char c = value.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return out.toString();
  }
}
