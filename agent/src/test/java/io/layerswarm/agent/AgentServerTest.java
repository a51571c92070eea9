package io.layerswarm.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.agent.metrics.PrometheusText;
import io.layerswarm.core.Digest;
import io.layerswarm.core.disk.DataDirLock;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent over real HTTP on 127.0.0.1, with an in-memory origin and a tracker that refuses
 * connections, so every blob falls back to the origin.
 */
class AgentServerTest {
  private static final RepositoryName REPO = new RepositoryName("test/app");
  private static final String ORIGIN_HOST = "origin.test:5000";
  private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  @TempDir Path data;
  private InMemoryUpstreamRegistry origin;
  private AgentServer agent;
  private InetSocketAddress address;
  private URI closedTracker;

  @BeforeEach
  void start() throws IOException {
    origin = new InMemoryUpstreamRegistry(URI.create("http://" + ORIGIN_HOST));
    // A port nobody listens on: every metainfo request is refused at once.
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedTracker = URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }
    agent = AgentServer.start(config(), Upstreams.single(origin));
    address = agent.address();
  }

  private AgentConfig config() {
    return AgentConfig.defaults(data, List.of(closedTracker))
        .withListen(new InetSocketAddress("127.0.0.1", 0))
        .withPeerListen(new InetSocketAddress("127.0.0.1", 0))
        .withSwarmDeadline(Duration.ofSeconds(2));
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private String blobPath(Digest digest) {
    return "/v2/" + REPO + "/blobs/" + digest;
  }

  private long storedBlobFiles() throws IOException {
    Path blobs = data.resolve("blobs").resolve("sha256");
    if (!Files.isDirectory(blobs)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(blobs)) {
      return files.count();
    }
  }

  /** GET /metrics, checked to be Prometheus text. */
  static PrometheusText scrape(InetSocketAddress address) throws IOException {
    RawHttp.Response response = RawHttp.get(address, "/metrics");
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Content-Type"))
        .isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    return PrometheusText.parse(response.text());
  }

  /**
   * Scrapes until the cache gauges show {@code blobs} (at most 10 s): the timer lists the store
   * soon after a blob is stored, on its own thread.
   */
  static PrometheusText scrapeOnceCached(InetSocketAddress address, long blobs) throws IOException {
    AtomicReference<PrometheusText> text = new AtomicReference<>();
    Await.until(
        "the cache gauges to show " + blobs + " blob(s)",
        Duration.ofSeconds(10),
        () -> {
          try {
            text.set(scrape(address));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return text.get().value("agent_cached_blobs") == blobs;
        });
    return text.get();
  }

  @Test
  void theBaseEndpointAnswersEmptyJsonWithTheApiVersionHeader() throws IOException {
    RawHttp.Response get = RawHttp.get(address, "/v2/");
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.text()).isEqualTo("{}");
    assertThat(get.header("Docker-Distribution-Api-Version")).isEqualTo("registry/2.0");
    assertThat(get.header("Content-Type")).isEqualTo("application/json");

    RawHttp.Response head = RawHttp.send(address, "HEAD", "/v2/");
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Length")).isEqualTo("2");
  }

  @Test
  void aBlobTheSwarmCannotDeliverComesFromTheOriginWithItsDigest() throws IOException {
    byte[] content = randomBytes(3 * 1024 * 1024 + 17, 1);
    Digest digest = origin.putBlob(REPO, content);

    RawHttp.Response response = RawHttp.get(address, blobPath(digest));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(content);
    assertThat(response.header("Docker-Content-Digest")).isEqualTo(digest.toString());
    assertThat(response.header("Content-Type")).isEqualTo("application/octet-stream");
    assertThat(response.header("Content-Length")).isEqualTo(String.valueOf(content.length));
    AgentStats stats = agent.stats();
    assertThat(stats.bytesFromOrigin()).isEqualTo(content.length);
    assertThat(stats.cachedBlobs()).isEqualTo(1);
    assertThat(stats.cacheBytes()).isEqualTo(content.length);
    assertThat(stats.transfers()).isEmpty();
  }

  @Test
  void metricsCountABlobFetchedFromTheOriginThenServedFromTheCache() throws IOException {
    byte[] content = randomBytes(1024 * 1024 + 5, 12);
    Digest digest = origin.putBlob(REPO, content);
    assertThat(RawHttp.get(address, blobPath(digest)).status()).isEqualTo(200);
    assertThat(RawHttp.get(address, blobPath(digest)).status()).isEqualTo(200);
    assertThat(RawHttp.get(address, blobPath(Digest.sha256(new byte[] {1}))).status())
        .isEqualTo(404);

    PrometheusText text = scrapeOnceCached(address, 1);

    assertThat(text.value("agent_blob_requests_total", "result", "miss")).isEqualTo(1);
    assertThat(text.value("agent_blob_requests_total", "result", "hit")).isEqualTo(1);
    assertThat(text.value("agent_blob_requests_total", "result", "not_found")).isEqualTo(1);
    assertThat(text.value("agent_origin_fallback_bytes_total")).isEqualTo(content.length);
    assertThat(text.value("agent_swarm_bytes_total")).isZero();
    assertThat(text.value("agent_blob_fetches_total", "result", "origin")).isEqualTo(1);
    assertThat(text.value("agent_blob_fetches_total", "result", "swarm")).isZero();
    assertThat(text.value("agent_cached_blobs")).isEqualTo(1);
    assertThat(text.value("agent_cache_bytes")).isEqualTo(content.length);
    assertThat(text.value("agent_draining")).isZero();
    assertThat(text.value("agent_transfers", "phase", "origin")).isZero();
  }

  @Test
  void metricsCountManifestAnswers() throws IOException {
    byte[] bytes = "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8);
    origin.putManifest(REPO, "1.0", new Manifest(bytes, OCI_MANIFEST, Digest.sha256(bytes)));
    RawHttp.get(address, "/v2/" + REPO + "/manifests/1.0", "Accept: " + OCI_MANIFEST);
    RawHttp.send(address, "HEAD", "/v2/" + REPO + "/manifests/1.0");
    RawHttp.get(address, "/v2/" + REPO + "/manifests/nope");

    PrometheusText text = scrape(address);

    assertThat(text.value("agent_manifest_requests_total", "result", "ok")).isEqualTo(2);
    assertThat(text.value("agent_manifest_requests_total", "result", "not_found")).isEqualTo(1);
    assertThat(text.value("agent_manifest_requests_total", "result", "error")).isZero();
  }

  @Test
  void headOfMetricsHasTheHeadersWithoutTheBody() throws IOException {
    RawHttp.Response head = RawHttp.send(address, "HEAD", "/metrics");

    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    assertThat(Long.parseLong(head.header("Content-Length"))).isPositive();
    assertThat(head.body()).isEmpty();
  }

  @Test
  void aScrapePipelinedAfterABlobIsAnsweredAfterTheBlob() throws Exception {
    byte[] content = randomBytes(300_000, 13);
    Digest digest = origin.putBlob(REPO, content);
    String request =
        "GET "
            + blobPath(digest)
            + " HTTP/1.1\r\nHost: a\r\n\r\n"
            + "GET /metrics HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";

    byte[] raw;
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(address, 10_000);
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      raw = socket.getInputStream().readAllBytes();
    }

    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int scrape = text.indexOf("# TYPE agent_");
    assertThat(text).startsWith("HTTP/1.1 200 OK");
    assertThat(text.indexOf("HTTP/1.1 200 OK", 1))
        .as("the scrape's head")
        .isGreaterThan(content.length);
    assertThat(scrape).isGreaterThan(content.length);
  }

  @Test
  void aSeparateMetricsAddressServesOnlyMetrics() throws IOException {
    agent.close();
    agent =
        AgentServer.start(
            config().withMetricsListen(Optional.of(new InetSocketAddress("127.0.0.1", 0))),
            Upstreams.single(origin));
    InetSocketAddress metrics = agent.metricsAddress().orElseThrow();
    byte[] content = randomBytes(2000, 14);
    Digest digest = origin.putBlob(REPO, content);
    assertThat(RawHttp.get(agent.address(), blobPath(digest)).status()).isEqualTo(200);

    PrometheusText text = scrape(metrics);
    RawHttp.Response registry = RawHttp.get(metrics, "/v2/");
    RawHttp.Response blob = RawHttp.get(metrics, blobPath(digest));

    assertThat(metrics.getPort()).isNotEqualTo(agent.address().getPort());
    assertThat(text.value("agent_origin_fallback_bytes_total")).isEqualTo(content.length);
    assertThat(registry.status()).isEqualTo(404);
    assertThat(blob.status()).isEqualTo(404);
    assertThat(blob.text()).contains("serves only /metrics");
    assertThat(scrape(agent.address()).value("agent_origin_fallback_bytes_total"))
        .as("the registry address keeps its /metrics")
        .isEqualTo(content.length);
  }

  @Test
  void aSecondAgentOnTheSameDataDirectoryIsRefusedAndTheFirstKeepsItsFiles() throws IOException {
    byte[] content = randomBytes(20_000, 15);
    Digest digest = origin.putBlob(REPO, content);
    assertThat(RawHttp.get(address, blobPath(digest)).status()).isEqualTo(200);

    assertThatThrownBy(() -> AgentServer.start(config(), Upstreams.single(origin)))
        .isInstanceOf(DataDirLock.DataDirLockedException.class)
        .hasMessageContaining("agent.data-dir " + data)
        .hasMessageContaining("PID " + ProcessHandle.current().pid());
    RawHttp.Response again = RawHttp.get(address, blobPath(digest));

    assertThat(again.body()).isEqualTo(content);
    assertThat(origin.blobRequests()).as("still cached, not fetched again").isEqualTo(1);
  }

  @Test
  void withoutAMetricsAddressThereIsNone() {
    assertThat(agent.metricsAddress()).isEmpty();
  }

  @Test
  void aCachedBlobIsServedWithoutAskingTheOriginAgain() throws IOException {
    byte[] content = randomBytes(100_000, 2);
    Digest digest = origin.putBlob(REPO, content);
    assertThat(RawHttp.get(address, blobPath(digest)).status()).isEqualTo(200);
    long served = origin.blobBytesServed();

    RawHttp.Response again = RawHttp.get(address, blobPath(digest));

    assertThat(again.body()).isEqualTo(content);
    assertThat(origin.blobBytesServed()).isEqualTo(served);
    assertThat(origin.blobRequests()).isEqualTo(1);
  }

  @Test
  void cachedBlobsAreServedAfterARestartWithoutTheOrigin() throws IOException {
    byte[] content = randomBytes(50_000, 3);
    Digest digest = origin.putBlob(REPO, content);
    assertThat(RawHttp.get(address, blobPath(digest)).status()).isEqualTo(200);
    agent.close();

    InMemoryUpstreamRegistry emptyOrigin =
        new InMemoryUpstreamRegistry(URI.create("http://" + ORIGIN_HOST));
    agent = AgentServer.start(config(), Upstreams.single(emptyOrigin));
    assertThat(agent.storeVerified().join().verified()).isEqualTo(1);
    RawHttp.Response response = RawHttp.get(agent.address(), blobPath(digest));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(content);
    assertThat(emptyOrigin.blobRequests()).isZero();
  }

  @Test
  void aCachedBlobZeroedWhileTheAgentWasStoppedIsNotServedAfterARestart() throws IOException {
    byte[] content = randomBytes(50_000, 3);
    Digest digest = origin.putBlob(REPO, content);
    assertThat(RawHttp.get(address, blobPath(digest)).status()).isEqualTo(200);
    agent.close();
    Path stored = data.resolve("blobs/sha256/" + digest.hex());
    Files.write(stored, new byte[content.length]); // a power loss: right size, zeroes

    agent = AgentServer.start(config(), Upstreams.single(origin));
    assertThat(agent.storeVerified().join().deleted()).isEqualTo(1);
    RawHttp.Response response = RawHttp.get(agent.address(), blobPath(digest));

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(content);
    assertThat(origin.blobRequests()).isEqualTo(2);
    assertThat(stored).hasBinaryContent(content);
  }

  @Test
  void theRegistryCanBeNamedByContainerdNamespaceOrPodmanPrefix() throws IOException {
    byte[] content = randomBytes(1000, 4);
    Digest digest = origin.putBlob(REPO, content);

    RawHttp.Response containerd = RawHttp.get(address, blobPath(digest) + "?ns=" + ORIGIN_HOST);
    RawHttp.Response podman =
        RawHttp.get(address, "/v2/" + ORIGIN_HOST + "/" + REPO + "/blobs/" + digest);

    assertThat(containerd.status()).isEqualTo(200);
    assertThat(containerd.body()).isEqualTo(content);
    assertThat(podman.status()).isEqualTo(200);
    assertThat(podman.body()).isEqualTo(content);
  }

  @Test
  void aRegistryThatIsNotConfiguredGets404NameUnknownNamingTheHost() throws IOException {
    Digest digest = origin.putBlob(REPO, randomBytes(10, 5));

    RawHttp.Response response = RawHttp.get(address, blobPath(digest) + "?ns=other.example%3A5000");

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.text()).contains("NAME_UNKNOWN").contains("other.example:5000");
    assertThat(origin.blobRequests()).isZero();
  }

  @Test
  void aBlobTheOriginDoesNotHaveGets404BlobUnknown() throws IOException {
    Digest missing = Digest.sha256("not there".getBytes(StandardCharsets.UTF_8));

    RawHttp.Response response = RawHttp.get(address, blobPath(missing));

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.header("Content-Type")).startsWith("application/json");
    assertThat(response.text()).contains("\"BLOB_UNKNOWN\"");
  }

  @Test
  void aBlobThatDoesNotMatchItsDigestIsNeitherServedNorStored() throws IOException {
    Digest claimed = Digest.sha256("the real content".getBytes(StandardCharsets.UTF_8));
    origin.putCorruptBlob(REPO, claimed, "tampered content".getBytes(StandardCharsets.UTF_8));

    RawHttp.Response response = RawHttp.get(address, blobPath(claimed));

    assertThat(response.status()).isEqualTo(502);
    assertThat(response.text()).contains("UNAVAILABLE").contains(claimed.toString());
    assertThat(storedBlobFiles()).isZero();
    assertThat(agent.stats().cachedBlobs()).isZero();
    PrometheusText text = scrape(address);
    assertThat(text.value("agent_verification_failures_total", "source", "origin")).isEqualTo(1);
    assertThat(text.value("agent_verification_failures_total", "source", "swarm")).isZero();
    assertThat(text.value("agent_blob_fetches_total", "result", "failed")).isEqualTo(1);
    assertThat(text.value("agent_blob_requests_total", "result", "error")).isEqualTo(1);
  }

  @Test
  void headOfABlobReportsItsSizeWithoutDownloadingIt() throws IOException {
    byte[] content = randomBytes(4096, 6);
    Digest digest = origin.putBlob(REPO, content);

    RawHttp.Response head = RawHttp.send(address, "HEAD", blobPath(digest));

    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Length")).isEqualTo("4096");
    assertThat(head.header("Docker-Content-Digest")).isEqualTo(digest.toString());
    assertThat(head.body()).isEmpty();
    assertThat(origin.blobBytesServed()).isZero();
    assertThat(storedBlobFiles()).isZero();
  }

  @Test
  void headOfABlobNobodyHasGets404BlobUnknownWithoutABody() throws IOException {
    Digest missing = Digest.sha256("nowhere".getBytes(StandardCharsets.UTF_8));

    RawHttp.Response head = RawHttp.send(address, "HEAD", blobPath(missing));

    assertThat(head.status()).isEqualTo(404);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void headOfACachedBlobIsAnsweredFromTheStore() throws IOException {
    byte[] content = randomBytes(2048, 12);
    Digest digest = origin.putBlob(REPO, content);
    assertThat(RawHttp.get(address, blobPath(digest)).status()).isEqualTo(200);
    InMemoryUpstreamRegistry emptyOrigin =
        new InMemoryUpstreamRegistry(URI.create("http://" + ORIGIN_HOST));
    agent.close();
    agent = AgentServer.start(config(), Upstreams.single(emptyOrigin));

    RawHttp.Response head = RawHttp.send(agent.address(), "HEAD", blobPath(digest));

    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Length")).isEqualTo("2048");
  }

  @Test
  void aRangeOfACachedBlobGets206WithContentRange() throws IOException {
    byte[] content = randomBytes(1000, 7);
    Digest digest = origin.putBlob(REPO, content);
    assertThat(RawHttp.get(address, blobPath(digest)).status()).isEqualTo(200);

    RawHttp.Response closed = RawHttp.get(address, blobPath(digest), "Range: bytes=10-19");
    RawHttp.Response open = RawHttp.get(address, blobPath(digest), "Range: bytes=990-");
    RawHttp.Response suffix = RawHttp.get(address, blobPath(digest), "Range: bytes=-5");

    assertThat(closed.status()).isEqualTo(206);
    assertThat(closed.header("Content-Range")).isEqualTo("bytes 10-19/1000");
    assertThat(closed.body()).isEqualTo(Arrays.copyOfRange(content, 10, 20));
    assertThat(closed.header("Docker-Content-Digest")).isEqualTo(digest.toString());
    assertThat(open.header("Content-Range")).isEqualTo("bytes 990-999/1000");
    assertThat(open.body()).isEqualTo(Arrays.copyOfRange(content, 990, 1000));
    assertThat(suffix.header("Content-Range")).isEqualTo("bytes 995-999/1000");
    assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(content, 995, 1000));
  }

  @Test
  void aRangeStartingPastTheEndGets416RangeInvalid() throws IOException {
    byte[] content = randomBytes(1000, 8);
    Digest digest = origin.putBlob(REPO, content);

    RawHttp.Response response = RawHttp.get(address, blobPath(digest), "Range: bytes=1000-");

    assertThat(response.status()).isEqualTo(416);
    assertThat(response.header("Content-Range")).isEqualTo("bytes */1000");
    assertThat(response.text()).contains("RANGE_INVALID");
  }

  @Test
  void manifestsPassThroughByTagAndByDigestWithTheirExactBytes() throws IOException {
    byte[] bytes =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}"
            .getBytes(StandardCharsets.UTF_8);
    Manifest manifest = new Manifest(bytes, OCI_MANIFEST, Digest.sha256(bytes));
    origin.putManifest(REPO, "1.0", manifest);

    RawHttp.Response byTag =
        RawHttp.get(address, "/v2/" + REPO + "/manifests/1.0", "Accept: " + OCI_MANIFEST);
    RawHttp.Response byDigest =
        RawHttp.get(
            address, "/v2/" + REPO + "/manifests/" + manifest.digest() + "?ns=" + ORIGIN_HOST);
    RawHttp.Response head = RawHttp.send(address, "HEAD", "/v2/" + REPO + "/manifests/1.0");

    for (RawHttp.Response response : List.of(byTag, byDigest)) {
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body()).isEqualTo(bytes);
      assertThat(response.header("Content-Type")).isEqualTo(OCI_MANIFEST);
      assertThat(response.header("Docker-Content-Digest")).isEqualTo(manifest.digest().toString());
    }
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Length")).isEqualTo(String.valueOf(bytes.length));
    assertThat(head.header("Docker-Content-Digest")).isEqualTo(manifest.digest().toString());
    assertThat(head.header("Content-Type")).isEqualTo(OCI_MANIFEST);
  }

  @Test
  void aManifestTheUpstreamDoesNotHaveGets404ManifestUnknown() throws IOException {
    RawHttp.Response response = RawHttp.get(address, "/v2/" + REPO + "/manifests/nope");

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.text()).contains("MANIFEST_UNKNOWN");
  }

  @Test
  void badNamesDigestsAndTraversalGet400WithAnOciBodyAndTouchNothing() throws IOException {
    Digest digest = origin.putBlob(REPO, randomBytes(100, 9));
    List<String> paths =
        List.of(
            "/v2/Test/App/manifests/latest",
            "/v2/test/app/blobs/sha256:abc",
            "/v2/test/app/blobs/md5:d41d8cd98f00b204e9800998ecf8427e",
            "/v2/../x/manifests/a",
            "/v2/test/../app/blobs/" + digest,
            "/v2/%2e%2e/x/manifests/a",
            "/v2/test%2fapp/blobs/" + digest,
            "/v2/test/app/manifests/bad%20tag");

    for (String path : paths) {
      RawHttp.Response response = RawHttp.get(address, path);
      assertThat(response.status()).as(path).isEqualTo(400);
      assertThat(response.header("Content-Type")).as(path).startsWith("application/json");
      assertThat(response.text())
          .as(path)
          .startsWith("{\"errors\":[{\"code\":\"")
          .containsAnyOf("NAME_INVALID", "DIGEST_INVALID", "MANIFEST_INVALID");
    }
    assertThat(storedBlobFiles()).isZero();
    assertThat(origin.blobRequests()).isZero();
  }

  @Test
  void pushMethodsGet405Unsupported() throws IOException {
    for (String method : List.of("PUT", "POST", "DELETE", "PATCH")) {
      RawHttp.Response response =
          RawHttp.send(address, method, "/v2/test/app/blobs/uploads/", "Content-Length: 0");
      assertThat(response.status()).as(method).isEqualTo(405);
      assertThat(response.text()).as(method).contains("UNSUPPORTED");
    }
  }

  @Test
  void anOversizedRequestLineGets414() throws IOException {
    RawHttp.Response response =
        RawHttp.get(address, "/v2/" + "a".repeat(20_000) + "/manifests/latest");

    assertThat(response.status()).isEqualTo(414);
  }

  @Test
  void concurrentRequestsForOneBlobShareOneOriginDownload() throws Exception {
    byte[] content = randomBytes(2 * 1024 * 1024, 10);
    Digest digest = origin.putBlob(REPO, content);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI uri = URI.create("http://127.0.0.1:" + address.getPort() + blobPath(digest));

    List<CompletableFuture<HttpResponse<byte[]>>> calls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      calls.add(
          client.sendAsync(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
              HttpResponse.BodyHandlers.ofByteArray()));
    }

    for (CompletableFuture<HttpResponse<byte[]>> call : calls) {
      HttpResponse<byte[]> response = call.get(30, TimeUnit.SECONDS);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo(content);
    }
    assertThat(origin.blobRequests()).isEqualTo(1);
    assertThat(origin.blobBytesServed()).isEqualTo(content.length);
  }

  @Test
  void oneConnectionServesSeveralRequestsInTurn() throws Exception {
    byte[] content = randomBytes(70_000, 11);
    Digest digest = origin.putBlob(REPO, content);
    String request =
        "GET /v2/ HTTP/1.1\r\nHost: a\r\n\r\n"
            + "GET "
            + blobPath(digest)
            + " HTTP/1.1\r\nHost: a\r\n\r\n"
            + "HEAD "
            + blobPath(digest)
            + " HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";

    byte[] raw;
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(address, 10_000);
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      raw = socket.getInputStream().readAllBytes();
    }

    String text = new String(raw, StandardCharsets.ISO_8859_1);
    assertThat(text).startsWith("HTTP/1.1 200 OK");
    assertThat(text.split("HTTP/1.1 200 OK", -1)).hasSize(4);
    assertThat(raw.length).isGreaterThan(content.length);
    assertThat(origin.blobRequests()).isEqualTo(1);
  }
}
