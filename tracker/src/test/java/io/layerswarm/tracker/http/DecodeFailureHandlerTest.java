package io.layerswarm.tracker.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DecodeFailureHandlerTest {
  private static EmbeddedChannel channel() {
    return new EmbeddedChannel(
        new HttpServerCodec(
            new HttpDecoderConfig()
                .setMaxInitialLineLength(TrackerChannelInitializer.MAX_REQUEST_LINE)
                .setMaxHeaderSize(TrackerChannelInitializer.MAX_HEADER_BYTES)),
        new HttpObjectAggregator(TrackerChannelInitializer.MAX_CONTENT_BYTES),
        new DecodeFailureHandler());
  }

  private static String exchange(EmbeddedChannel channel, String request) {
    channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
    StringBuilder out = new StringBuilder();
    ByteBuf buf;
    while ((buf = channel.readOutbound()) != null) {
      out.append(buf.toString(StandardCharsets.ISO_8859_1));
      buf.release();
    }
    return out.toString();
  }

  @Test
  void aRequestLineOverTheLimitGets414AndTheConnectionCloses() {
    EmbeddedChannel channel = channel();

    String response =
        exchange(channel, "GET /announce?x=" + "a".repeat(5000) + " HTTP/1.1\r\nHost: t\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 414 ").containsIgnoringCase("connection: close");
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void headersOverTheLimitGet431() {
    EmbeddedChannel channel = channel();

    String response =
        exchange(
            channel, "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 431 ");
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aValidRequestPassesThrough() {
    EmbeddedChannel channel = channel();

    channel.writeInbound(
        Unpooled.copiedBuffer(
            "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n", StandardCharsets.ISO_8859_1));

    FullHttpRequest request = channel.readInbound();
    assertThat(request.uri()).isEqualTo("/healthz");
    request.release();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }
}
