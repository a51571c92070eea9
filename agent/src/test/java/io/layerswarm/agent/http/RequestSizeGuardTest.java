package io.layerswarm.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.agent.metrics.AgentMetrics;
import io.layerswarm.testing.fuzz.ConnectedEmbeddedChannel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Requests the codec or the aggregator reject, through the registry API's whole pipeline: each gets
 * its 4xx, and the connection closes after it. The mirror is never asked (there is none).
 */
class RequestSizeGuardTest {
  private static final int MAX_LINE = RegistryChannelInitializer.MAX_INITIAL_LINE_LENGTH;
  private static final int MAX_HEADERS = RegistryChannelInitializer.MAX_HEADER_SIZE;

  private final AgentMetrics metrics = new AgentMetrics();
  private final EmbeddedChannel channel =
      ConnectedEmbeddedChannel.open(
          new InetSocketAddress("127.0.0.1", 40000),
          new InetSocketAddress("127.0.0.1", 5050),
          new RegistryChannelInitializer(null, null, metrics));

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
    metrics.close();
  }

  private String answer(String request) {
    channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
    channel.runPendingTasks();
    channel.checkException();
    StringBuilder text = new StringBuilder();
    ByteBuf out;
    while ((out = channel.readOutbound()) != null) {
      text.append(out.toString(StandardCharsets.UTF_8));
      out.release();
    }
    return text.toString();
  }

  @Test
  void aRequestLineOverTheLimitGets414AndTheConnectionCloses() {
    String answer = answer("GET /v2/" + "a".repeat(MAX_LINE) + " HTTP/1.1\r\nHost: x\r\n\r\n");

    assertThat(answer)
        .startsWith("HTTP/1.1 414 ")
        .contains("request line is longer than " + MAX_LINE + " bytes");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void headersOverTheLimitGet431AndTheConnectionCloses() {
    String answer =
        answer("GET /v2/ HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(MAX_HEADERS) + "\r\n\r\n");

    assertThat(answer)
        .startsWith("HTTP/1.1 431 ")
        .contains("request headers are larger than " + MAX_HEADERS + " bytes");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aMalformedRequestGets400AndTheConnectionCloses() {
    assertThat(answer("GET /v2/ HTTP/1.1\r\nContent-Length: nope\r\n\r\n"))
        .startsWith("HTTP/1.1 400 ")
        .contains("malformed HTTP request");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aBodyOverTheLimitGets413WithoutAnInterimAnswerAndTheConnectionCloses() {
    int length = RegistryChannelInitializer.MAX_REQUEST_BODY + 1;
    String answer =
        answer(
            "PUT /v2/ HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: "
                + length
                + "\r\n\r\n");

    assertThat(answer)
        .startsWith("HTTP/1.1 413 ")
        .contains("larger than " + RegistryChannelInitializer.MAX_REQUEST_BODY)
        .doesNotContain("100 Continue");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aWellFormedRequestIsAnsweredAndTheConnectionStaysOpen() {
    assertThat(answer("GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n"))
        .startsWith("HTTP/1.1 200 ")
        .endsWith("{}");
    assertThat(channel.isOpen()).isTrue();
  }
}
