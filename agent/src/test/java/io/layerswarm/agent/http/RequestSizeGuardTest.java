package io.layerswarm.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestSizeGuardTest {
  private static final int MAX_LINE = 256;
  private static final int MAX_HEADERS = 512;

  private static EmbeddedChannel channel() {
    return new EmbeddedChannel(
        new HttpServerCodec(
            new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_LINE)
                .setMaxHeaderSize(MAX_HEADERS)),
        new RequestSizeGuard(MAX_LINE, MAX_HEADERS));
  }

  private static String answer(EmbeddedChannel channel) {
    StringBuilder text = new StringBuilder();
    ByteBuf out;
    while ((out = channel.readOutbound()) != null) {
      text.append(out.toString(StandardCharsets.UTF_8));
      out.release();
    }
    return text.toString();
  }

  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  @Test
  void aRequestLineOverTheLimitGets414AndTheConnectionCloses() {
    EmbeddedChannel channel = channel();
    channel.writeInbound(ascii("GET /v2/" + "a".repeat(MAX_LINE) + " HTTP/1.1\r\nHost: x\r\n\r\n"));

    String answer = answer(channel);
    assertThat(answer)
        .startsWith("HTTP/1.1 414 ")
        .contains("request line is longer than " + MAX_LINE + " bytes");
    assertThat(channel.isOpen()).isFalse();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void headersOverTheLimitGet431AndTheConnectionCloses() {
    EmbeddedChannel channel = channel();
    channel.writeInbound(
        ascii("GET /v2/ HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(MAX_HEADERS) + "\r\n\r\n"));

    String answer = answer(channel);
    assertThat(answer)
        .startsWith("HTTP/1.1 431 ")
        .contains("request headers are larger than " + MAX_HEADERS + " bytes");
    assertThat(channel.isOpen()).isFalse();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aMalformedRequestGets400() {
    EmbeddedChannel channel = channel();
    channel.writeInbound(ascii("GET /v2/ HTTP/1.1\r\nContent-Length: nope\r\n\r\n"));

    assertThat(answer(channel)).startsWith("HTTP/1.1 400 ").contains("malformed HTTP request");
    assertThat(channel.isOpen()).isFalse();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aWellFormedRequestPassesThroughUntouched() {
    EmbeddedChannel channel = channel();
    channel.writeInbound(ascii("GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n"));

    Object first = channel.readInbound();
    assertThat(first).isInstanceOf(HttpRequest.class);
    assertThat(((DefaultHttpRequest) first).uri()).isEqualTo("/v2/");
    assertThat(answer(channel)).isEmpty();
    assertThat(channel.isOpen()).isTrue();
    assertThat(channel.finishAndReleaseAll()).isTrue(); // the LastHttpContent that followed
  }
}
