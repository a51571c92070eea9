package io.layerswarm.seeder.http;

import io.layerswarm.seeder.seeding.OriginDigestMismatchException;
import io.layerswarm.seeder.seeding.OriginFetchException;
import io.layerswarm.seeder.seeding.SeederException;
import io.layerswarm.seeder.seeding.SeederService;
import io.layerswarm.seeder.seeding.UnknownUpstreamException;
import io.layerswarm.seeder.seeding.UpstreamBlobUnknownException;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Responses of the control endpoint, and the one place where seeder errors become HTTP statuses.
 * Error bodies have the OCI distribution shape, {@code {"errors":[{"code","message","detail"}]}},
 * so the tracker can pass them on.
 */
final class ControlResponses {
  static final String BITTORRENT = "application/x-bittorrent";

  private ControlResponses() {}

  static FullHttpResponse ok(String contentType, byte[] body) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return response;
  }

  static FullHttpResponse badParameter(ControlRoute.BadParameter bad) {
    return error(HttpResponseStatus.BAD_REQUEST, bad.code(), bad.message(), bad.parameter());
  }

  static FullHttpResponse notFound(String path) {
    return error(HttpResponseStatus.NOT_FOUND, "NOT_FOUND", "no such endpoint: " + path, null);
  }

  static FullHttpResponse methodNotAllowed(ControlRoute.MethodNotAllowed route) {
    FullHttpResponse response =
        error(
            HttpResponseStatus.METHOD_NOT_ALLOWED,
            "UNSUPPORTED",
            route.method() + " is not supported on " + route.path() + "; use " + route.allow(),
            null);
    response.headers().set(HttpHeaderNames.ALLOW, route.allow());
    return response;
  }

  static FullHttpResponse busy() {
    FullHttpResponse response =
        error(
            HttpResponseStatus.SERVICE_UNAVAILABLE,
            "UNAVAILABLE",
            "the seeder is handling too many requests; retry shortly",
            null);
    response.headers().setInt(HttpHeaderNames.RETRY_AFTER, 1);
    return response;
  }

  static FullHttpResponse tooLarge(String path, long limit) {
    FullHttpResponse response =
        error(
            HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
            "SIZE_INVALID",
            "the body of a request to " + path + " may have at most " + limit + " bytes",
            null);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return response;
  }

  /** Maps a failure of {@link SeederService#metainfo} to its response. */
  static FullHttpResponse failure(Throwable failure) {
    if (failure instanceof UnknownUpstreamException e) {
      return error(HttpResponseStatus.NOT_FOUND, "NAME_UNKNOWN", e.getMessage(), null);
    }
    if (failure instanceof UpstreamBlobUnknownException e) {
      return error(HttpResponseStatus.NOT_FOUND, "BLOB_UNKNOWN", e.getMessage(), null);
    }
    if (failure instanceof OriginDigestMismatchException e) {
      return error(HttpResponseStatus.BAD_GATEWAY, "DIGEST_MISMATCH", e.getMessage(), null);
    }
    if (failure instanceof OriginFetchException e) {
      return error(HttpResponseStatus.BAD_GATEWAY, "ORIGIN_UNAVAILABLE", e.getMessage(), null);
    }
    if (failure instanceof SeederException e) {
      return error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "SEEDER_ERROR", e.getMessage(), null);
    }
    return error(
        HttpResponseStatus.INTERNAL_SERVER_ERROR,
        "SEEDER_ERROR",
        "internal error: " + failure,
        null);
  }

  static FullHttpResponse error(
      HttpResponseStatus status, String code, String message, String parameter) {
    StringBuilder json = new StringBuilder(128 + message.length());
    json.append("{\"errors\":[{\"code\":");
    appendString(json, code);
    json.append(",\"message\":");
    appendString(json, message);
    if (parameter != null) {
      json.append(",\"detail\":{\"parameter\":");
      appendString(json, parameter);
      json.append('}');
    }
    json.append("}]}");
    byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return response;
  }

  /** A JSON string literal (RFC 8259 section 7). */
  static void appendString(StringBuilder json, String value) {
    json.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    json.append('"');
  }
}
