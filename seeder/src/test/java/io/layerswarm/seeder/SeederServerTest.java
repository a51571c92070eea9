package io.layerswarm.seeder;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.registry.Digest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.swarm.metainfo.Metainfo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    content = SeederServiceTest.randomBytes(300 * 1024, 7);
    digest = upstream.putBlob(REPO, content);
    server = SeederServer.start(SeederConfig.defaults(dataDir, ANNOUNCE), Upstreams.single(upstream));
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
    return http.send(request.timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
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
    assertThat(response.headers().firstValue("content-type"))
        .hasValue("application/x-bittorrent");
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
        .contains("unknown upstream registry elsewhere.example; configure it under seeder.upstreams");
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
    assertThat(body(response)).contains("\"code\":\"DIGEST_MISMATCH\"").contains(claimed.toString());
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
        send(HttpRequest.newBuilder(server.baseUri().resolve("/healthz"))
            .POST(HttpRequest.BodyPublishers.ofString("x")));

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("allow")).hasValue("GET");
  }

  @Test
  void restartedServerAnswersFromTheDataDirWithoutTheOrigin() throws Exception {
    byte[] before = get(metainfoPath(digest, REGISTRY, REPO.value())).body();
    server.close();
    server = null;

    server = SeederServer.start(SeederConfig.defaults(dataDir, ANNOUNCE), Upstreams.single(upstream));
    assertThat(server.engine().torrents()).hasSize(1);
    HttpResponse<byte[]> after = get(metainfoPath(digest, REGISTRY, REPO.value()));

    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.body()).isEqualTo(before);
    assertThat(upstream.blobRequests()).isEqualTo(1);
  }
}
