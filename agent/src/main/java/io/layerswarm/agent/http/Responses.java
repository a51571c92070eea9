package io.layerswarm.agent.http;

import io.layerswarm.registry.server.ErrorBody;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the agent's small, complete responses. Stateless. */
final class Responses {
  private static final Logger log = LoggerFactory.getLogger(Responses.class);

  static final String API_VERSION_HEADER = "Docker-Distribution-Api-Version";
  static final String API_VERSION = "registry/2.0";
  static final String DIGEST_HEADER = "Docker-Content-Digest";
  static final String CHALLENGE = "Basic realm=\"layerswarm-agent\"";

  private Responses() {}

  /**
   * A complete response. For HEAD pass {@code head}: Content-Length still states the body's size,
   * but no body is sent (RFC 9110 9.3.2).
   */
  static FullHttpResponse full(
      HttpResponseStatus status, String contentType, byte[] body, boolean head) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, contentType)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return withApiVersion(response);
  }

  /**
   * An OCI error body, {@code {"errors":[{"code":...,"message":...}]}}. A 401 carries the challenge
   * HTTP requires (RFC 9110 11.6.1) so that clients report "unauthorized" instead of a protocol
   * error; the agent logs in upstream with its own credentials, so a client's answer to it changes
   * nothing, and the body says which upstream refused.
   */
  static FullHttpResponse error(HttpError error, boolean head) {
    FullHttpResponse response =
        full(
            error.status(),
            ErrorBody.CONTENT_TYPE,
            ErrorBody.json(error.code(), error.message()),
            head);
    if (error.status().equals(HttpResponseStatus.UNAUTHORIZED)) {
      response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, CHALLENGE);
    }
    return response;
  }

  /**
   * The error answer to a registry request whose mirror call failed. A failure the mirror does not
   * expect is logged as a bug; the others (not found, upstream down, ...) only at debug.
   */
  static FullHttpResponse failure(RegistryRequest request, Throwable error) {
    HttpError answer = HttpError.of(error);
    if (HttpError.isInternal(error)) {
      log.error("{} failed", request.line(), HttpError.unwrap(error));
    } else {
      log.debug("{} -> {} {}", request.line(), answer.status().code(), answer.message());
    }
    return error(answer, request.head());
  }

  /** A plain-text answer for requests that never reached the registry API (malformed HTTP). */
  static FullHttpResponse text(HttpResponseStatus status, String message) {
    FullHttpResponse response =
        full(
            status,
            "text/plain; charset=utf-8",
            (message + "\n").getBytes(StandardCharsets.UTF_8),
            false);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return response;
  }

  static <T extends HttpResponse> T withApiVersion(T response) {
    response.headers().set(API_VERSION_HEADER, API_VERSION);
    return response;
  }
}
