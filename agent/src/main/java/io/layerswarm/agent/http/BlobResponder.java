package io.layerswarm.agent.http;

import io.layerswarm.agent.mirror.BlobInfo;
import io.layerswarm.agent.mirror.OpenBlob;
import io.layerswarm.registry.server.ErrorCode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.util.Optional;

/**
 * Writes blob answers. Bodies go out as one {@link DefaultFileRegion} (zero-copy, never through
 * heap buffers); the region owns the file channel and closes it when written or dropped. Call on
 * the channel's event loop.
 */
final class BlobResponder {
  private static final String OCTET_STREAM = "application/octet-stream";

  private BlobResponder() {}

  /** {@code HEAD}: the headers a GET would have, no body. */
  static FullHttpResponse head(BlobInfo blob) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
    blobHeaders(response.headers(), blob.digest().toString(), blob.size());
    return Responses.withApiVersion(response);
  }

  /**
   * {@code GET}: the whole blob (200), one range of it (206), or 416 when the range starts past
   * the end. Takes ownership of {@code blob}.
   *
   * @return the future of the last write
   */
  static ChannelFuture write(ChannelHandlerContext ctx, OpenBlob blob, Optional<String> range) {
    long size = blob.size();
    ByteRange.Request request = ByteRange.parse(range, size);
    if (request instanceof ByteRange.Unsatisfiable) {
      closeQuietly(blob);
      FullHttpResponse response = Responses.error(new HttpError(
          HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE, ErrorCode.RANGE_INVALID,
          "range " + range.orElse("") + " is outside blob " + blob.digest() + " of " + size
              + " bytes"), false);
      response.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size);
      return ctx.writeAndFlush(response);
    }
    HttpResponse response;
    long first = 0;
    long length = size;
    if (request instanceof ByteRange.Partial partial) {
      first = partial.range().first();
      length = partial.range().length();
      response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.PARTIAL_CONTENT);
      response.headers().set(HttpHeaderNames.CONTENT_RANGE, partial.range().contentRange(size));
    } else {
      response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    }
    blobHeaders(response.headers(), blob.digest().toString(), length);
    ctx.write(Responses.withApiVersion(response));
    if (length > 0) {
      ctx.write(new DefaultFileRegion(blob.channel(), first, length));
    } else {
      closeQuietly(blob);
    }
    return ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
  }

  private static void blobHeaders(HttpHeaders headers, String digest, long contentLength) {
    headers.set(HttpHeaderNames.CONTENT_TYPE, OCTET_STREAM)
        .set(HttpHeaderNames.CONTENT_LENGTH, contentLength)
        .set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES)
        .set(Responses.DIGEST_HEADER, digest);
  }

  static void closeQuietly(OpenBlob blob) {
    try {
      blob.close();
    } catch (IOException e) {
      // Read-only file: nothing was lost.
    }
  }
}
