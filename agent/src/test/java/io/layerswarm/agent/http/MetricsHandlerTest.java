package io.layerswarm.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import io.layerswarm.agent.admin.Drain;
import io.layerswarm.agent.metrics.AgentMetrics;
import io.layerswarm.agent.metrics.AgentMetrics.BlobResult;
import io.layerswarm.agent.metrics.PrometheusText;
import io.layerswarm.agent.mirror.RegistryMirror;
import io.layerswarm.agent.pins.Readiness;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsHandlerTest {
  private final AgentMetrics metrics = new AgentMetrics();
  private final ExecutorService pumps = Executors.newCachedThreadPool();

  @AfterEach
  void close() {
    metrics.close();
    pumps.shutdownNow();
  }

  /** Stands in for the handlers behind: keeps each request it gets. */
  private static final class Behind extends ChannelInboundHandlerAdapter {
    final List<FullHttpRequest> requests = new ArrayList<>();
    ChannelHandlerContext ctx;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      requests.add((FullHttpRequest) msg);
    }
  }

  private static FullHttpRequest request(HttpMethod method, String uri) {
    return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
  }

  private static String body(FullHttpResponse response) {
    return response.content().toString(StandardCharsets.UTF_8);
  }

  /** Writes raw request bytes and returns everything the channel wrote back. */
  private static String exchange(EmbeddedChannel channel, String request) {
    channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
    channel.runPendingTasks();
    StringBuilder out = new StringBuilder();
    ByteBuf part;
    while ((part = channel.readOutbound()) != null) {
      out.append(part.toString(StandardCharsets.UTF_8));
      part.release();
    }
    return out.toString();
  }

  private static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: agent\r\n\r\n";
  }

  private static String bodyOf(String rawResponse) {
    return rawResponse.substring(rawResponse.indexOf("\r\n\r\n") + 4);
  }

  @Test
  void aScrapeGetsPrometheusTextAndOtherRequestsPassOn() {
    metrics.blobRequest(BlobResult.HIT);
    Behind behind = new Behind();
    EmbeddedChannel channel = new EmbeddedChannel(new MetricsHandler(metrics), behind);

    channel.writeInbound(request(HttpMethod.GET, "/metrics"));
    FullHttpResponse scrape = channel.readOutbound();
    channel.writeInbound(request(HttpMethod.GET, "/v2/"));

    assertThat(scrape.status()).isEqualTo(HttpResponseStatus.OK);
    assertThat(scrape.headers().get("Content-Type"))
        .isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    assertThat(scrape.headers().getInt("Content-Length"))
        .isEqualTo(scrape.content().readableBytes());
    assertThat(
            PrometheusText.parse(body(scrape)).value("agent_blob_requests_total", "result", "hit"))
        .isEqualTo(1);
    scrape.release();
    assertThat(behind.requests).extracting(FullHttpRequest::uri).containsExactly("/v2/");
    assertThat((Object) channel.readOutbound()).isNull();
    behind.requests.forEach(FullHttpRequest::release);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aQueryDoesNotHideTheMetricsPathButAPrefixDoes() {
    Behind behind = new Behind();
    EmbeddedChannel channel = new EmbeddedChannel(new MetricsHandler(metrics), behind);

    channel.writeInbound(request(HttpMethod.GET, "/metrics?name[]=agent_torrents"));
    FullHttpResponse scrape = channel.readOutbound();
    channel.writeInbound(request(HttpMethod.GET, "/metrics/more"));

    assertThat(scrape.status()).isEqualTo(HttpResponseStatus.OK);
    scrape.release();
    assertThat(behind.requests).extracting(FullHttpRequest::uri).containsExactly("/metrics/more");
    behind.requests.forEach(FullHttpRequest::release);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void headGetsTheHeadersOfGetWithoutTheBody() {
    EmbeddedChannel channel = new EmbeddedChannel(new MetricsHandler(metrics));

    channel.writeInbound(request(HttpMethod.GET, "/metrics"));
    FullHttpResponse get = channel.readOutbound();
    channel.writeInbound(request(HttpMethod.HEAD, "/metrics"));
    FullHttpResponse head = channel.readOutbound();

    assertThat(head.status()).isEqualTo(HttpResponseStatus.OK);
    assertThat(head.content().readableBytes()).isZero();
    assertThat(head.headers().get("Content-Type")).isEqualTo(get.headers().get("Content-Type"));
    assertThat(head.headers().getInt("Content-Length")).isEqualTo(get.content().readableBytes());
    get.release();
    head.release();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void healthIsOkUntilTheAgentsThreadsHaveAProblemThen503NamingIt() {
    List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
    metrics.bindHealth(() -> List.copyOf(problems));
    EmbeddedChannel channel = new EmbeddedChannel(new MetricsHandler(metrics));

    channel.writeInbound(request(HttpMethod.GET, "/healthz"));
    FullHttpResponse ok = channel.readOutbound();
    problems.add("swarm-io-1 has not run a task for 12 s");
    channel.writeInbound(request(HttpMethod.GET, "/healthz"));
    FullHttpResponse unhealthy = channel.readOutbound();

    assertThat(ok.status()).isEqualTo(HttpResponseStatus.OK);
    assertThat(ok.content().toString(StandardCharsets.UTF_8)).isEqualTo("ok\n");
    assertThat(unhealthy.status()).isEqualTo(HttpResponseStatus.SERVICE_UNAVAILABLE);
    assertThat(unhealthy.content().toString(StandardCharsets.UTF_8))
        .isEqualTo("swarm-io-1 has not run a task for 12 s\n");
    ok.release();
    unhealthy.release();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void readyIs503UntilTheAgentBindsItsPinsThenFollowsThem() {
    List<Readiness.Missing> missing = new java.util.concurrent.CopyOnWriteArrayList<>();
    EmbeddedChannel channel = new EmbeddedChannel(new MetricsHandler(metrics));

    channel.writeInbound(request(HttpMethod.GET, "/ready"));
    FullHttpResponse starting = channel.readOutbound();
    metrics.bindPins(List::of, () -> new Readiness(List.of(), List.copyOf(missing)));
    missing.add(new Readiness.Missing("base/jdk:17 (linux/amd64)", "2 of 5 blobs local"));
    channel.writeInbound(request(HttpMethod.GET, "/ready"));
    FullHttpResponse incomplete = channel.readOutbound();
    missing.clear();
    channel.writeInbound(request(HttpMethod.HEAD, "/ready"));
    FullHttpResponse ready = channel.readOutbound();

    assertThat(starting.status()).isEqualTo(HttpResponseStatus.SERVICE_UNAVAILABLE);
    assertThat(starting.content().toString(StandardCharsets.UTF_8))
        .isEqualTo("{\"ready\":false,\"problems\":[\"starting\"]}\n");
    assertThat(incomplete.status()).isEqualTo(HttpResponseStatus.SERVICE_UNAVAILABLE);
    assertThat(incomplete.headers().get("Content-Type")).isEqualTo("application/json");
    assertThat(incomplete.content().toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"ready\":false,\"missing\":[{\"pin\":\"base/jdk:17 (linux/amd64)\","
                + "\"reason\":\"2 of 5 blobs local\"}]}\n");
    assertThat(ready.status()).isEqualTo(HttpResponseStatus.OK);
    assertThat(ready.content().readableBytes()).isZero();
    starting.release();
    incomplete.release();
    ready.release();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void otherMethodsGet405WithTheMethodsAllowed() {
    EmbeddedChannel channel = new EmbeddedChannel(new MetricsHandler(metrics));

    channel.writeInbound(request(HttpMethod.POST, "/metrics"));
    FullHttpResponse response = channel.readOutbound();

    assertThat(response.status()).isEqualTo(HttpResponseStatus.METHOD_NOT_ALLOWED);
    assertThat(response.headers().get("Allow")).isEqualTo("GET, HEAD");
    response.release();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aScrapePipelinedBehindARegistryRequestWaitsForTheLastPartOfItsAnswer() {
    Behind behind = new Behind();
    EmbeddedChannel channel = new EmbeddedChannel(new MetricsHandler(metrics), behind);

    channel.writeInbound(request(HttpMethod.GET, "/v2/test/app/blobs/sha256:" + "0".repeat(64)));
    channel.writeInbound(request(HttpMethod.GET, "/metrics"));
    assertThat((Object) channel.readOutbound()).as("the scrape waits").isNull();

    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    behind.ctx.writeAndFlush(head);
    assertThat((Object) channel.readOutbound()).isSameAs(head);
    assertThat((Object) channel.readOutbound()).as("still waits for the body").isNull();
    behind.ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);

    assertThat((Object) channel.readOutbound()).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
    FullHttpResponse scrape = channel.readOutbound();
    assertThat(scrape.status()).isEqualTo(HttpResponseStatus.OK);
    scrape.release();
    behind.requests.forEach(FullHttpRequest::release);
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aDrainingAgentRefusesRegistryRequestsButStillAnswersScrapes() {
    Drain drain = new Drain(List::of);
    metrics.bindDrain(drain::draining);
    EmbeddedChannel channel =
        new EmbeddedChannel(
            new RegistryChannelInitializer(
                mock(RegistryMirror.class), pumps, metrics, Optional.of(drain)));
    try {
      drain.start(Duration.ofMinutes(1), Duration.ofMinutes(5));

      String registry = exchange(channel, get("/v2/"));
      String scrape = exchange(channel, get("/metrics"));

      assertThat(registry).startsWith("HTTP/1.1 503 ");
      assertThat(scrape).startsWith("HTTP/1.1 200 ");
      assertThat(PrometheusText.parse(bodyOf(scrape)).value("agent_draining")).isEqualTo(1);
      assertThat(drain.responsesInFlight()).isZero();
      assertThat(channel.finishAndReleaseAll()).isFalse();
    } finally {
      drain.close();
    }
  }

  @Test
  void theMetricsAddressServesMetricsAndAnswersEverythingElseWith404() {
    EmbeddedChannel channel = new EmbeddedChannel(new MetricsChannelInitializer(metrics));

    String scrape = exchange(channel, get("/metrics"));
    String registry = exchange(channel, get("/v2/"));
    String blobHead =
        exchange(
            channel,
            "HEAD /v2/test/app/blobs/sha256:"
                + "0".repeat(64)
                + " HTTP/1.1\r\nHost: agent\r\n\r\n");
    String root = exchange(channel, get("/"));

    assertThat(scrape)
        .startsWith("HTTP/1.1 200 ")
        .contains("content-type: text/plain; version=0.0.4; charset=utf-8");
    PrometheusText.parse(bodyOf(scrape));
    assertThat(registry).startsWith("HTTP/1.1 404 ").doesNotContain("Docker-Distribution");
    assertThat(blobHead).startsWith("HTTP/1.1 404 ");
    assertThat(bodyOf(blobHead)).isEmpty();
    assertThat(root).startsWith("HTTP/1.1 404 ");
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }
}
