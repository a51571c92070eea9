package io.layerswarm.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.registry.server.ErrorCode;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.Test;

class ResponsesTest {
  @Test
  void a401CarriesABasicChallengeSoClientsReportUnauthorized() {
    FullHttpResponse get =
        Responses.error(
            new HttpError(
                HttpResponseStatus.UNAUTHORIZED, ErrorCode.UNAUTHORIZED, "upstream refused"),
            false);
    FullHttpResponse head =
        Responses.error(
            new HttpError(
                HttpResponseStatus.UNAUTHORIZED, ErrorCode.UNAUTHORIZED, "upstream refused"),
            true);

    assertThat(get.headers().get(HttpHeaderNames.WWW_AUTHENTICATE))
        .isEqualTo("Basic realm=\"layerswarm-agent\"");
    assertThat(head.headers().get(HttpHeaderNames.WWW_AUTHENTICATE))
        .isEqualTo(get.headers().get(HttpHeaderNames.WWW_AUTHENTICATE));
    get.release();
    head.release();
  }

  @Test
  void otherErrorsCarryNoChallenge() {
    FullHttpResponse denied =
        Responses.error(
            new HttpError(HttpResponseStatus.FORBIDDEN, ErrorCode.DENIED, "denied"), false);
    FullHttpResponse missing =
        Responses.error(
            new HttpError(HttpResponseStatus.NOT_FOUND, ErrorCode.BLOB_UNKNOWN, "no blob"), false);

    assertThat(denied.headers().contains(HttpHeaderNames.WWW_AUTHENTICATE)).isFalse();
    assertThat(missing.headers().contains(HttpHeaderNames.WWW_AUTHENTICATE)).isFalse();
    denied.release();
    missing.release();
  }
}
