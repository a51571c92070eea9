package io.layerswarm.tracker.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Builds complete HTTP/1.1 responses, always with a Content-Length so keep-alive works. */
final class HttpResponses {
  static final String BITTORRENT = "application/x-bittorrent";
  static final String TEXT = "text/plain; charset=utf-8";
  static final String JSON = "application/json";

  private HttpResponses() {}

  static FullHttpResponse bytes(HttpResponseStatus status, String contentType, byte[] body) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, contentType)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    return response;
  }

  static FullHttpResponse text(HttpResponseStatus status, String body) {
    return bytes(status, TEXT, body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A JSON error body: {@code {"error":"<code>","message":"..."}}, plus {@code "parameter"} when
   * one parameter is at fault.
   */
  static FullHttpResponse jsonError(
      HttpResponseStatus status, String code, String parameter, String message) {
    StringBuilder json = new StringBuilder("{\"error\":").append(quote(code));
    if (parameter != null) {
      json.append(",\"parameter\":").append(quote(parameter));
    }
    json.append(",\"message\":").append(quote(message)).append('}');
    return bytes(status, JSON, json.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** A response after which the connection is closed (the request could not be read fully). */
  static FullHttpResponse closing(FullHttpResponse response) {
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return response;
  }

  static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
