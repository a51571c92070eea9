package io.layerswarm.seeder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.layerswarm.core.Digest;
import io.layerswarm.core.disk.DataDirLock;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.proto.admin.SeederAdminGrpc;
import io.layerswarm.proto.admin.SeederBlobList;
import io.layerswarm.proto.admin.SeederBlobsRequest;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.registry.image.MediaTypes;
import io.layerswarm.seeder.seeding.SeederException;
import io.layerswarm.testing.Await;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SeederServerTest {
  private static final RepositoryName REPO = new RepositoryName("library/app");
  private static final String REGISTRY = "registry.test:5000";
  private static final List<URI> ANNOUNCE = List.of(URI.create("http://127.0.0.1:1/announce"));

  @TempDir Path dataDir;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private InMemoryUpstreamRegistry upstream;
  private byte[] content;
  private Digest digest;
  private SeederServer server;

  @BeforeEach
  void start() throws Exception {
    upstream = new InMemoryUpstreamRegistry(URI.create("http://" + REGISTRY));
    content = randomBytes(300 * 1024, 7);
    digest = upstream.putBlob(REPO, content);
    server =
        SeederServer.start(SeederConfig.defaults(dataDir, ANNOUNCE), Upstreams.single(upstream));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private HttpResponse<byte[]> get(String pathAndQuery) throws Exception {
    return send(HttpRequest.newBuilder(server.baseUri().resolve(pathAndQuery)).GET());
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
    return http.send(
        request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private String metainfoPath(Digest blob, String registry, String repo) {
    return "/metainfo/" + blob + "?registry=" + registry + "&repo=" + repo;
  }

  private static String body(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  @Test
  void baseUriPointsAtTheBoundLoopbackPort() {
    assertThat(server.address().getPort()).isPositive();
    assertThat(server.baseUri())
        .isEqualTo(URI.create("http://127.0.0.1:" + server.address().getPort() + "/"));
  }

  @Test
  void metainfoRequestIsAnsweredWithTheTorrentBytes() throws Exception {
    HttpResponse<byte[]> response = get(metainfoPath(digest, REGISTRY, REPO.value()));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/x-bittorrent");
    Metainfo metainfo = Metainfo.parse(response.body());
    assertThat(metainfo.name()).isEqualTo(digest.hex());
    assertThat(metainfo.length()).isEqualTo(content.length);
    assertThat(server.engine().torrent(metainfo.infoHash())).isPresent();
    assertThat(upstream.blobBytesServed()).isEqualTo(content.length);
  }

  @Test
  void repeatedRequestsOnOneConnectionGetTheSameBytesAndOneOriginFetch() throws Exception {
    byte[] first = get(metainfoPath(digest, REGISTRY, REPO.value())).body();
    for (int i = 0; i < 3; i++) {
      HttpResponse<byte[]> again = get(metainfoPath(digest, REGISTRY, REPO.value()));
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(again.body()).isEqualTo(first);
    }
    assertThat(upstream.blobRequests()).isEqualTo(1);
  }

  @Test
  void malformedDigestIsBadRequestNamingTheDigestParameter() throws Exception {
    HttpResponse<byte[]> response = get("/metainfo/sha256:1234?registry=" + REGISTRY + "&repo=a");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(body(response))
        .contains("\"code\":\"DIGEST_INVALID\"")
        .contains("\"parameter\":\"digest\"");
  }

  @Test
  void missingRegistryIsBadRequestNamingTheRegistryParameter() throws Exception {
    HttpResponse<byte[]> response = get("/metainfo/" + digest + "?repo=library/app");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(body(response)).contains("\"parameter\":\"registry\"");
  }

  @Test
  void invalidRepositoryIsBadRequestNamingTheRepoParameter() throws Exception {
    HttpResponse<byte[]> response = get(metainfoPath(digest, REGISTRY, "Not..Valid"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(body(response))
        .contains("\"code\":\"NAME_INVALID\"")
        .contains("\"parameter\":\"repo\"");
  }

  @Test
  void unknownRegistryIsNotFoundAndNothingIsFetched() throws Exception {
    HttpResponse<byte[]> response = get(metainfoPath(digest, "elsewhere.example", REPO.value()));

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(body(response))
        .contains("\"code\":\"NAME_UNKNOWN\"")
        .contains(
            "unknown upstream registry elsewhere.example; configure it under seeder.upstreams");
    assertThat(upstream.blobRequests()).isZero();
  }

  @Test
  void blobTheUpstreamDoesNotHaveIsNotFound() throws Exception {
    Digest absent = Digest.sha256(new byte[] {1});

    HttpResponse<byte[]> response = get(metainfoPath(absent, REGISTRY, REPO.value()));

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(body(response)).contains("\"code\":\"BLOB_UNKNOWN\"").contains(absent.toString());
  }

  @Test
  void originThatSendsOtherBytesIsBadGateway() throws Exception {
    Digest claimed = Digest.sha256(new byte[] {2});
    upstream.putCorruptBlob(REPO, claimed, new byte[] {3, 4, 5});

    HttpResponse<byte[]> response = get(metainfoPath(claimed, REGISTRY, REPO.value()));

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(body(response))
        .contains("\"code\":\"DIGEST_MISMATCH\"")
        .contains(claimed.toString());
  }

  @Test
  void healthIsOk() throws Exception {
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void otherPathsAreNotFound() throws Exception {
    assertThat(get("/").statusCode()).isEqualTo(404);
    assertThat(get("/v2/").statusCode()).isEqualTo(404);
  }

  @Test
  void otherMethodsAreNotAllowed() throws Exception {
    HttpResponse<byte[]> response =
        send(
            HttpRequest.newBuilder(server.baseUri().resolve("/healthz"))
                .POST(HttpRequest.BodyPublishers.ofString("x")));

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("allow")).hasValue("GET");
  }

  @Test
  void restartedServerAnswersFromTheDataDirWithoutTheOrigin() throws Exception {
    byte[] before = get(metainfoPath(digest, REGISTRY, REPO.value())).body();
    server.close();
    server = null;

    server =
        SeederServer.start(SeederConfig.defaults(dataDir, ANNOUNCE), Upstreams.single(upstream));
    SeederServer restarted = server;
    // The held blob is verified again in the background, then seeded.
    Await.until(
        "the held blob to be verified and seeded", () -> restarted.engine().torrents().size() == 1);
    HttpResponse<byte[]> after = get(metainfoPath(digest, REGISTRY, REPO.value()));

    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.body()).isEqualTo(before);
    assertThat(upstream.blobRequests()).isEqualTo(1);
  }

  /** Pushes a one-layer image to the upstream and returns its manifest digest. */
  private Digest pushImage() {
    byte[] config = "{\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    Digest configDigest = upstream.putBlob(REPO, config);
    byte[] json =
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + MediaTypes.DOCKER_MANIFEST
                + "\","
                + "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"size\":"
                + config.length
                + ",\"digest\":\""
                + configDigest
                + "\"},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":"
                + content.length
                + ",\"digest\":\""
                + digest
                + "\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    Manifest manifest = new Manifest(json, MediaTypes.DOCKER_MANIFEST, Digest.sha256(json));
    upstream.putManifest(REPO, "1.0", manifest);
    return manifest.digest();
  }

  private HttpResponse<byte[]> postNotification(String json) throws Exception {
    return send(
        HttpRequest.newBuilder(server.baseUri().resolve("/notifications"))
            .header("Content-Type", "application/vnd.docker.distribution.events.v1+json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  @Test
  void aManifestPushNotificationPreheatsTheImageInTheBackground() throws Exception {
    Digest manifest = pushImage();
    String envelope =
        ("{'events':[{'action':'push','target':{'mediaType':'%s','size':1,"
                + "'digest':'%s','repository':'%s','url':'http://%s/v2/%s/manifests/%s','tag':'1.0'},"
                + "'request':{'host':'%s','method':'PUT'}}]}")
            .formatted(
                MediaTypes.DOCKER_MANIFEST, manifest, REPO, REGISTRY, REPO, manifest, REGISTRY)
            .replace('\'', '"');

    HttpResponse<byte[]> response = postNotification(envelope);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(body(response)).contains("\"queued\":1");
    Await.until("the config and the layer are held", () -> heldCount() == 2);
    assertThat(server.service().held()).anyMatch(b -> b.digest().equals(digest));
    assertThat(upstream.blobRequests()).isEqualTo(2);
    Await.until(
        "both blobs count as done",
        () ->
            body(getUnchecked("/metrics"))
                .contains("seeder_preheat_blobs_total{result=\"done\"} 2.0"));
  }

  private int heldCount() {
    try {
      return server.service().held().size();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private HttpResponse<byte[]> getUnchecked(String path) {
    try {
      return get(path);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aMalformedNotificationIsRefusedWith400AndStoresNothing() throws Exception {
    pushImage();

    HttpResponse<byte[]> response = postNotification("{\"events\": [ {\"action\": ");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(body(response)).contains("NOTIFICATION_INVALID");
    assertThat(server.service().held()).isEmpty();
    assertThat(upstream.blobRequests()).isZero();
    assertThat(body(get("/metrics")))
        .contains("seeder_notification_requests_total{result=\"invalid\"} 1.0");
  }

  @Test
  void notificationsTakeOnlyPost() throws Exception {
    HttpResponse<byte[]> response = get("/notifications");

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("allow")).hasValue("POST");
  }

  @Test
  void metricsAreServedAsPrometheusText() throws Exception {
    get(metainfoPath(digest, REGISTRY, REPO.value()));
    get(metainfoPath(digest, REGISTRY, REPO.value()));

    HttpResponse<byte[]> response = get("/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
    assertThat(body(response))
        .contains("seeder_origin_bytes_total " + (double) content.length)
        .contains("seeder_cache_lookups_total{result=\"miss\"} 1.0")
        .contains("seeder_cache_lookups_total{result=\"hit\"} 1.0")
        .contains("seeder_evictions_total{reason=\"idle\"} 0.0")
        .contains("seeder_blobs 1.0")
        .contains("seeder_stored_bytes " + (double) content.length)
        .contains("seeder_torrents 1.0");
  }

  @Test
  void theUploadRateIsTheEnginesUploadCap() {
    SeederConfig config = SeederConfig.defaults(dataDir, ANNOUNCE).withUploadRate(10 * 1024 * 1024);

    assertThat(SeederServer.engineConfig(config).uploadBytesPerSecond())
        .isEqualTo(10 * 1024 * 1024);
    assertThat(SeederServer.engineConfig(config).downloadBytesPerSecond()).isZero();
  }

  @Test
  void withoutARingTheSeederIsARingOfItselfNamedByItsControlUrl() {
    URI self = URI.create("http://127.0.0.1:" + server.address().getPort());

    assertThat(server.self()).isEqualTo(self);
    assertThat(server.ring().ring().members()).containsExactly(self);
    assertThat(server.ring().liveOwners(digest)).containsExactly(self);
  }

  @Test
  void aSecondSeederOnTheSameDataDirectoryIsRefusedWithTheDirectoryAndThePid() {
    assertThatThrownBy(
            () ->
                SeederServer.start(
                    SeederConfig.defaults(dataDir, ANNOUNCE), Upstreams.single(upstream)))
        .isInstanceOf(SeederException.class)
        .hasCauseInstanceOf(DataDirLock.DataDirLockedException.class)
        .hasMessageContaining("seeder.data-dir " + dataDir)
        .hasMessageContaining("PID " + ProcessHandle.current().pid());
  }

  @Test
  void aRingThatDoesNotListThisSeederIsAConfigurationError() {
    server.close();
    server = null;
    SeederConfig config =
        SeederConfig.defaults(dataDir, ANNOUNCE)
            .withRing(
                List.of(URI.create("http://10.0.0.1:6970"), URI.create("http://10.0.0.2:6970")),
                Optional.empty(),
                2);

    assertThatThrownBy(() -> SeederServer.start(config, Upstreams.single(upstream)))
        .isInstanceOf(SeederException.class)
        .hasMessageContaining("seeder.advertise-url")
        .hasMessageContaining("seeder.ring");
  }

  @Test
  void theAdminApiServesWithTheConfiguredToken() throws Exception {
    server.close();
    server =
        SeederServer.start(
            SeederConfig.defaults(dataDir, ANNOUNCE)
                .withAdmin(new InetSocketAddress("127.0.0.1", 0), Optional.of("t0ken")),
            Upstreams.single(upstream));
    get(metainfoPath(digest, REGISTRY, REPO.value()));
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(server.adminAddress().orElseThrow()).usePlaintext().build();
    try {
      SeederBlobList blobs =
          SeederAdminGrpc.newBlockingStub(channel)
              .withCallCredentials(
                  new CallCredentials() {
                    @Override
                    public void applyRequestMetadata(
                        RequestInfo info, Executor executor, MetadataApplier applier) {
                      Metadata headers = new Metadata();
                      headers.put(
                          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                          "Bearer t0ken");
                      applier.apply(headers);
                    }
                  })
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .listBlobs(SeederBlobsRequest.getDefaultInstance());

      assertThat(blobs.getBlobsList())
          .singleElement()
          .satisfies(
              blob -> {
                assertThat(blob.getDigest()).isEqualTo(digest.toString());
                assertThat(blob.getSeeding()).isTrue();
                assertThat(blob.getLastAccessMillis()).isPositive();
              });
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void anotherSeederWarmsABlobHereThroughTheMetainfoEndpoint() throws Exception {
    io.layerswarm.seeder.preheat.HttpRemoteSeeder remote =
        new io.layerswarm.seeder.preheat.HttpRemoteSeeder(
            http, Duration.ofSeconds(30), io.layerswarm.core.auth.HttpAuth.open());

    remote.warm(server.baseUri(), digest, io.layerswarm.registry.RegistryHost.of(REGISTRY), REPO);

    assertThat(server.service().held())
        .singleElement()
        .satisfies(blob -> assertThat(blob.digest()).isEqualTo(digest));
    assertThatThrownBy(
            () ->
                remote.warm(
                    server.baseUri(),
                    Digest.sha256(new byte[] {9}),
                    io.layerswarm.registry.RegistryHost.of(REGISTRY),
                    REPO))
        .isInstanceOf(io.layerswarm.seeder.preheat.PreheatException.class)
        .hasMessageContaining("HTTP 404")
        .hasMessageContaining("BLOB_UNKNOWN");
  }

  @Test
  void theHealthProbeSeesThisSeederUpAndAClosedPortDown() throws Exception {
    io.layerswarm.core.ring.HttpHealthProbe probe =
        new io.layerswarm.core.ring.HttpHealthProbe(http, Duration.ofSeconds(5));
    URI down;
    try (SeederServer other =
        SeederServer.start(
            SeederConfig.defaults(dataDir.resolve("other"), ANNOUNCE),
            Upstreams.single(upstream))) {
      down = other.baseUri(); // closed while this test's server stays bound: no port reuse
    }

    probe.probe(server.baseUri()).get(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> probe.probe(down).get(10, TimeUnit.SECONDS))
        .isInstanceOf(java.util.concurrent.ExecutionException.class);
  }

  private static byte[] randomBytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
