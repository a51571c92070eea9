package io.layerswarm.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import io.layerswarm.agent.metrics.AgentMetrics;
import io.layerswarm.agent.metrics.PrometheusText;
import io.layerswarm.agent.mirror.BlobFetcher;
import io.layerswarm.agent.mirror.CacheSeeder;
import io.layerswarm.agent.mirror.MetainfoSource;
import io.layerswarm.agent.mirror.PullThroughMirror;
import io.layerswarm.agent.mirror.Swarm;
import io.layerswarm.core.Digest;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.registry.store.FileBlobStore;
import io.layerswarm.testing.ManualClock;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handlers behind the aggregator (router, one-at-a-time, fixed answers, manifests, blobs) on an
 * embedded channel, over the real mirror with an in-memory origin. Mirror work runs on an executor
 * the test drains by hand, so each step is deterministic.
 */
class RegistryHandlersTest {
  private static final RepositoryName REPO = new RepositoryName("test/app");
  private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  @TempDir Path dir;
  private final Queue<Runnable> mirrorWork = new ArrayDeque<>();
  private final ExecutorService pumps = Executors.newSingleThreadExecutor();
  private final AgentMetrics metrics = new AgentMetrics();
  private InMemoryUpstreamRegistry origin;
  private FileBlobStore store;
  private EmbeddedChannel channel;

  @BeforeEach
  void start() throws IOException {
    origin = new InMemoryUpstreamRegistry(URI.create("http://origin.test:5000"));
    store = new FileBlobStore(dir.resolve("store"));
    Swarm swarm = mock(Swarm.class);
    BlobFetcher fetcher =
        new BlobFetcher(
            store,
            mock(MetainfoSource.class),
            swarm,
            new CacheSeeder(store, swarm, dir.resolve("torrents"), List.of()),
            Runnable::run,
            new ManualClock(),
            dir.resolve("partial"),
            List.of(),
            Duration.ofSeconds(60));
    PullThroughMirror mirror =
        new PullThroughMirror(Upstreams.single(origin), store, fetcher, mirrorWork::add, 1 << 20);
    channel =
        new EmbeddedChannel(
            new RegistryRouter(),
            new OneRequestAtATime(),
            new FixedAnswers(),
            new ManifestHandler(mirror, metrics),
            new BlobHandler(mirror, pumps, metrics));
  }

  @AfterEach
  void stop() {
    pumps.shutdownNow();
    metrics.close();
  }

  private static FullHttpRequest request(HttpMethod method, String uri, String... headers) {
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
    for (int i = 0; i < headers.length; i += 2) {
      request.headers().add(headers[i], headers[i + 1]);
    }
    return request;
  }

  /** Runs the mirror's queued work, then the answers it hands back to the event loop. */
  private void runMirror() {
    Runnable work;
    while ((work = mirrorWork.poll()) != null) {
      work.run();
      channel.runPendingTasks();
    }
    channel.runPendingTasks();
  }

  private FullHttpResponse answer(FullHttpRequest request) {
    channel.writeInbound(request);
    runMirror();
    return channel.readOutbound();
  }

  private static String body(FullHttpResponse response) {
    return response.content().toString(StandardCharsets.UTF_8);
  }

  private double metric(String name, String result) {
    return PrometheusText.parse(metrics.scrape()).value(name, "result", result);
  }

  @Test
  void theApiBaseAnswersAnEmptyJsonObjectAndHeadTheSameHeadersWithoutTheBody() {
    FullHttpResponse get = answer(request(HttpMethod.GET, "/v2/"));
    FullHttpResponse head = answer(request(HttpMethod.HEAD, "/v2/"));

    assertThat(get.status()).isEqualTo(HttpResponseStatus.OK);
    assertThat(body(get)).isEqualTo("{}");
    assertThat(get.headers().get("Docker-Distribution-Api-Version")).isEqualTo("registry/2.0");
    assertThat(head.headers().getInt("Content-Length")).isEqualTo(2);
    assertThat(head.content().readableBytes()).isZero();
    get.release();
    head.release();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aTargetTheRouterRefusesGetsItsOciErrorAndTheMirrorIsNotAsked() {
    FullHttpResponse dotted = answer(request(HttpMethod.GET, "/v2/test/../app/manifests/1"));
    FullHttpResponse push = answer(request(HttpMethod.PUT, "/v2/test/app/manifests/1"));

    assertThat(dotted.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
    assertThat(body(dotted)).contains("\"NAME_INVALID\"");
    assertThat(push.status()).isEqualTo(HttpResponseStatus.METHOD_NOT_ALLOWED);
    assertThat(body(push)).contains("\"UNSUPPORTED\"");
    assertThat(mirrorWork).isEmpty();
    dotted.release();
    push.release();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aManifestComesFromTheUpstreamWithItsMediaTypeAndDigestAndIsCounted() {
    byte[] bytes = "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8);
    Manifest manifest = new Manifest(bytes, OCI_MANIFEST, Digest.sha256(bytes));
    origin.putManifest(REPO, "1.0", manifest);

    FullHttpResponse get =
        answer(request(HttpMethod.GET, "/v2/" + REPO + "/manifests/1.0", "Accept", OCI_MANIFEST));

    assertThat(get.status()).isEqualTo(HttpResponseStatus.OK);
    assertThat(get.headers().get("Content-Type")).isEqualTo(OCI_MANIFEST);
    assertThat(get.headers().get("Docker-Content-Digest"))
        .isEqualTo(Digest.sha256(manifest.bytes()).toString());
    assertThat(body(get)).isEqualTo("{\"schemaVersion\":2}");
    assertThat(metric("agent_manifest_requests_total", "ok")).isEqualTo(1);
    get.release();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aManifestTheUpstreamLacksIs404ManifestUnknownAndCountedAsNotFound() {
    FullHttpResponse head = answer(request(HttpMethod.HEAD, "/v2/" + REPO + "/manifests/2.0"));

    assertThat(head.status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
    assertThat(head.content().readableBytes()).isZero();
    assertThat(metric("agent_manifest_requests_total", "not_found")).isEqualTo(1);
    head.release();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aBlobHeadHasTheSizeAndDigestOfTheGetWithoutABody() {
    Digest digest = origin.putBlob(REPO, new byte[1234]);

    FullHttpResponse head = answer(request(HttpMethod.HEAD, "/v2/" + REPO + "/blobs/" + digest));

    assertThat(head.status()).isEqualTo(HttpResponseStatus.OK);
    assertThat(head.headers().getInt("Content-Length")).isEqualTo(1234);
    assertThat(head.headers().get("Docker-Content-Digest")).isEqualTo(digest.toString());
    assertThat(head.content().readableBytes()).isZero();
    head.release();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aRangeOfAStoredBlobGoesOutAs206WithOneFileRegionAndIsCountedAsAHit() throws IOException {
    byte[] content = "0123456789".getBytes(StandardCharsets.US_ASCII);
    Digest digest = Digest.sha256(content);
    try (var writer = store.create(digest)) {
      writer.write(content);
      writer.commit();
    }

    channel.writeInbound(
        request(HttpMethod.GET, "/v2/" + REPO + "/blobs/" + digest, "Range", "bytes=2-5"));
    runMirror();
    HttpResponse head = channel.readOutbound();
    DefaultFileRegion region = channel.readOutbound();
    LastHttpContent last = channel.readOutbound();

    assertThat(head.status()).isEqualTo(HttpResponseStatus.PARTIAL_CONTENT);
    assertThat(head.headers().get("Content-Range")).isEqualTo("bytes 2-5/10");
    assertThat(head.headers().getInt("Content-Length")).isEqualTo(4);
    assertThat(region.position()).isEqualTo(2);
    assertThat(region.count()).isEqualTo(4);
    assertThat(last).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(metric("agent_blob_requests_total", "hit")).isEqualTo(1);
    region.release();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aBlobTheUpstreamLacksIs404BlobUnknownAndCountedAsNotFound() {
    Digest missing = Digest.sha256(new byte[] {9});

    FullHttpResponse get = answer(request(HttpMethod.GET, "/v2/" + REPO + "/blobs/" + missing));

    assertThat(get.status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
    assertThat(body(get)).contains("\"BLOB_UNKNOWN\"");
    assertThat(metric("agent_blob_requests_total", "not_found")).isEqualTo(1);
    get.release();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aRegistryTheAgentDoesNotMirrorIs404NameUnknown() {
    FullHttpResponse get =
        answer(request(HttpMethod.GET, "/v2/" + REPO + "/manifests/1.0?ns=other.example:5000"));

    assertThat(get.status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
    assertThat(body(get)).contains("\"NAME_UNKNOWN\"").contains("other.example:5000");
    get.release();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void pipelinedRequestsAreAnsweredOneAtATimeInOrderAndReadingPausesMeanwhile() {
    byte[] bytes = "{}".getBytes(StandardCharsets.UTF_8);
    origin.putManifest(REPO, "1.0", new Manifest(bytes, OCI_MANIFEST, Digest.sha256(bytes)));

    channel.writeInbound(request(HttpMethod.GET, "/v2/" + REPO + "/manifests/1.0"));
    channel.writeInbound(request(HttpMethod.GET, "/v2/"));

    assertThat((Object) channel.readOutbound()).as("the base check waits its turn").isNull();
    assertThat(channel.config().isAutoRead()).isFalse();
    assertThat(mirrorWork).as("one mirror call, for the first request").hasSize(1);

    runMirror();
    FullHttpResponse manifest = channel.readOutbound();
    FullHttpResponse base = channel.readOutbound();

    assertThat(manifest.headers().get("Content-Type")).isEqualTo(OCI_MANIFEST);
    assertThat(body(base)).isEqualTo("{}");
    assertThat(channel.config().isAutoRead()).as("nothing owed: reading goes on").isTrue();
    manifest.release();
    base.release();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aConnectionThatPipelinesMoreThanItMayOweIsClosed() {
    for (int i = 0; i < OwedAnswers.MAX_OWED; i++) {
      channel.writeInbound(request(HttpMethod.GET, "/v2/" + REPO + "/manifests/" + i));
    }
    assertThat(channel.isOpen()).isTrue();

    channel.writeInbound(request(HttpMethod.GET, "/v2/"));

    assertThat(channel.isOpen()).isFalse();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }
}
