package io.layerswarm.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import io.layerswarm.agent.admin.Drain;
import io.layerswarm.agent.metrics.AgentMetrics;
import io.layerswarm.agent.mirror.RegistryMirror;
import io.layerswarm.core.Digest;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedStream;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gate behind the router on an embedded channel, with a stand-in for the handlers that answer,
 * which the test answers for, and the agent's real drain.
 */
class DrainGateTest {
  private static final Digest BLOB = Digest.sha256("layer".getBytes(StandardCharsets.UTF_8));
  private static final String BLOB_URI = "/v2/library/app/blobs/" + BLOB;

  private final Drain drain = new Drain(List::of);
  private final List<RegistryRequest> received = new ArrayList<>();
  private ChannelHandlerContext registry;
  private final EmbeddedChannel channel =
      new EmbeddedChannel(
          new RegistryRouter(),
          new DrainGate(drain),
          new ChannelInboundHandlerAdapter() {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
              registry = ctx;
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
              received.add((RegistryRequest) msg);
            }
          });

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
    drain.close();
  }

  private static FullHttpRequest request(HttpMethod method, String uri) {
    return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
  }

  private static FullHttpResponse ok() {
    return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
  }

  @Test
  void aBlobGetCountsAsReadingItsBlobUntilTheLastPartOfTheAnswerIsWritten() {
    channel.writeInbound(request(HttpMethod.GET, BLOB_URI));

    assertThat(received).hasSize(1);
    assertThat(drain.responsesInFlight()).isEqualTo(1);
    assertThat(drain.readers(BLOB)).isEqualTo(1);

    registry.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    registry.write(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
    assertThat(drain.readers(BLOB)).as("the body is not complete").isEqualTo(1);
    registry.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);

    assertThat(drain.responsesInFlight()).isZero();
    assertThat(drain.readers(BLOB)).isZero();
  }

  @Test
  void aChunkedBodyEndsTheAnswerWhenItIsWritten() throws Exception {
    channel.pipeline().addFirst(new io.netty.handler.stream.ChunkedWriteHandler());
    channel.writeInbound(request(HttpMethod.GET, BLOB_URI));

    registry.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
    registry.writeAndFlush(
        new HttpChunkedInput(new ChunkedStream(new ByteArrayInputStream(new byte[100_000]))));
    channel.runPendingTasks();

    assertThat(drain.readers(BLOB)).isZero();
    assertThat(drain.responsesInFlight()).isZero();
  }

  @Test
  void manifestsAndHeadsCountAsResponsesButReadNoBlob() {
    channel.writeInbound(request(HttpMethod.HEAD, BLOB_URI));
    channel.writeInbound(request(HttpMethod.GET, "/v2/library/app/manifests/1.0"));

    assertThat(drain.responsesInFlight()).isEqualTo(2);
    assertThat(drain.readers(BLOB)).isZero();
    registry.writeAndFlush(ok());
    registry.writeAndFlush(ok());
    assertThat(drain.responsesInFlight()).isZero();
  }

  @Test
  void whileDrainingEveryNewRequestGets503WithRetryAfterAndAnOciErrorAndIsNotPassedOn() {
    drain.start(Duration.ofSeconds(10), Duration.ofMinutes(1));

    channel.writeInbound(request(HttpMethod.GET, BLOB_URI));
    channel.writeInbound(request(HttpMethod.HEAD, "/v2/library/app/manifests/1.0"));

    assertThat(received).isEmpty();
    FullHttpResponse get = channel.readOutbound();
    FullHttpResponse head = channel.readOutbound();
    try {
      assertThat(get.status()).isEqualTo(HttpResponseStatus.SERVICE_UNAVAILABLE);
      assertThat(get.headers().get("Retry-After")).isEqualTo("10");
      assertThat(get.headers().get("Docker-Distribution-Api-Version")).isEqualTo("registry/2.0");
      assertThat(get.content().toString(StandardCharsets.UTF_8))
          .contains("\"UNAVAILABLE\"")
          .contains("draining");
      assertThat(get.headers().getInt("Content-Length")).isEqualTo(get.content().readableBytes());
      assertThat(head.status()).isEqualTo(HttpResponseStatus.SERVICE_UNAVAILABLE);
      assertThat(head.content().readableBytes()).isZero();
      assertThat(head.headers().getInt("Content-Length")).isPositive();
    } finally {
      get.release();
      head.release();
    }
    assertThat(drain.responsesInFlight()).isZero();
  }

  @Test
  void aRequestPipelinedBehindOneInProgressIsRefusedOnlyAfterThatAnswer() {
    channel.writeInbound(request(HttpMethod.GET, BLOB_URI));
    drain.start(Duration.ofSeconds(10), Duration.ofMinutes(1));
    channel.writeInbound(request(HttpMethod.GET, BLOB_URI));

    assertThat(received).hasSize(1);
    assertThat((Object) channel.readOutbound()).as("the refusal waits").isNull();
    assertThat(drain.responsesInFlight()).isEqualTo(1);

    registry.writeAndFlush(ok());

    FullHttpResponse first = channel.readOutbound();
    FullHttpResponse second = channel.readOutbound();
    assertThat(first.status()).isEqualTo(HttpResponseStatus.OK);
    assertThat(second.status()).isEqualTo(HttpResponseStatus.SERVICE_UNAVAILABLE);
    first.release();
    second.release();
    assertThat(drain.responsesInFlight()).isZero();
  }

  @Test
  void aConnectionThatClosesEndsItsResponses() {
    channel.writeInbound(request(HttpMethod.GET, BLOB_URI));
    assertThat(drain.readers(BLOB)).isEqualTo(1);

    channel.close();

    assertThat(drain.readers(BLOB)).isZero();
    assertThat(drain.responsesInFlight()).isZero();
  }

  @Test
  void theRegistryPipelineHasTheGateBehindTheRouterAndInFrontOfTheAnswersOnlyWithADrain() {
    AgentMetrics metrics = new AgentMetrics();
    ExecutorService pumps = Executors.newSingleThreadExecutor();
    EmbeddedChannel gated =
        new EmbeddedChannel(
            new RegistryChannelInitializer(
                mock(RegistryMirror.class), pumps, metrics, Optional.of(drain)));
    EmbeddedChannel ungated =
        new EmbeddedChannel(
            new RegistryChannelInitializer(mock(RegistryMirror.class), pumps, metrics));
    try {
      assertThat(gated.pipeline().names())
          .containsSubsequence(
              "codec", "metrics", "router", "drain-gate", "one-at-a-time", "blobs");
      assertThat(ungated.pipeline().names())
          .containsSubsequence("codec", "metrics", "router", "one-at-a-time", "blobs")
          .doesNotContain("drain-gate");
    } finally {
      assertThat(gated.finishAndReleaseAll()).isFalse();
      assertThat(ungated.finishAndReleaseAll()).isFalse();
      pumps.shutdownNow();
      metrics.close();
    }
  }
}
