package io.layerswarm.registry.client;

import static io.layerswarm.registry.client.FakeHttpServer.respond;
import static io.layerswarm.registry.client.FakeHttpServer.respondChunked;
import static io.layerswarm.registry.client.FakeHttpServer.respondError;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.testing.ManualClock;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpUpstreamRegistryTest {
  private static final RepositoryName REPO = new RepositoryName("library/app");
  private static final String MANIFEST_PATH = "/v2/library/app/manifests/1.2";
  private static final String SCHEMA2 = "application/vnd.docker.distribution.manifest.v2+json";
  private static final byte[] MANIFEST =
      ("{\"schemaVersion\":2,\"mediaType\":\"" + SCHEMA2 + "\"}").getBytes(UTF_8);
  private static final Digest MANIFEST_DIGEST = Digest.sha256(MANIFEST);
  private static final byte[] BLOB = randomBytes(300_000);
  private static final Digest BLOB_DIGEST = Digest.sha256(BLOB);
  private static final String BLOB_PATH = "/v2/library/app/blobs/" + BLOB_DIGEST;

  private FakeHttpServer registry;
  private HttpUpstreamRegistry client;

  @BeforeEach
  void start() throws IOException {
    registry = new FakeHttpServer();
    client = builder().build();
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  private HttpUpstreamRegistry.Builder builder() {
    return HttpUpstreamRegistry.builder(registry.uri())
        .userAgent("layerswarm-test/1")
        .retries(3, Duration.ZERO);
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new Random(42).nextBytes(bytes);
    return bytes;
  }

  private void serveManifest() {
    registry.on(
        MANIFEST_PATH,
        ex ->
            respond(
                ex,
                200,
                Map.of(
                    "Content-Type", SCHEMA2, "Docker-Content-Digest", MANIFEST_DIGEST.toString()),
                MANIFEST));
  }

  private void serveBlob() {
    registry.on(
        BLOB_PATH,
        ex -> {
          String range = ex.getRequestHeaders().getFirst("Range");
          if (range == null) {
            respond(ex, 200, Map.of("Content-Type", "application/octet-stream"), BLOB);
            return;
          }
          int from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
          respond(
              ex,
              206,
              Map.of(
                  "Content-Range", "bytes " + from + "-" + (BLOB.length - 1) + "/" + BLOB.length),
              Arrays.copyOfRange(BLOB, from, BLOB.length));
        });
  }

  // ---- manifests

  @Test
  void getManifestForwardsEveryAcceptValueAsItsOwnHeaderLine() throws Exception {
    serveManifest();
    List<String> dockerdAccepts =
        List.of(
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v1+prettyjws",
            "application/json");

    client.getManifest(REPO, "1.2", dockerdAccepts);

    assertThat(registry.requests(MANIFEST_PATH).get(0).header("Accept"))
        .containsExactlyElementsOf(dockerdAccepts);
  }

  @Test
  void getManifestSendsTheFourStandardMediaTypesWhenNoAcceptIsGiven() throws Exception {
    serveManifest();

    client.getManifest(REPO, "1.2", List.of());

    assertThat(registry.requests(MANIFEST_PATH).get(0).header("Accept"))
        .containsExactlyInAnyOrder(
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json");
  }

  @Test
  void getManifestReturnsTheExactBytesTypeAndDigest() throws Exception {
    serveManifest();

    Manifest manifest = client.getManifest(REPO, "1.2", List.of());

    assertThat(manifest).isEqualTo(new Manifest(MANIFEST, SCHEMA2, MANIFEST_DIGEST));
  }

  @Test
  void everyRequestCarriesTheUserAgent() throws Exception {
    serveManifest();

    client.getManifest(REPO, "1.2", List.of());

    assertThat(registry.requests().get(0).header("User-Agent"))
        .containsExactly("layerswarm-test/1");
  }

  @Test
  void getManifestComputesTheDigestWhenTheHeaderIsMissing() throws Exception {
    registry.on(MANIFEST_PATH, ex -> respond(ex, 200, Map.of("Content-Type", SCHEMA2), MANIFEST));

    assertThat(client.getManifest(REPO, "1.2", List.of()).digest()).isEqualTo(MANIFEST_DIGEST);
  }

  @Test
  void getManifestByDigestAcceptsBytesThatHashToIt() throws Exception {
    registry.on(
        "/v2/library/app/manifests/" + MANIFEST_DIGEST,
        ex -> respond(ex, 200, Map.of("Content-Type", SCHEMA2), MANIFEST));

    assertThat(client.getManifest(REPO, MANIFEST_DIGEST.toString(), List.of()).digest())
        .isEqualTo(MANIFEST_DIGEST);
  }

  @Test
  void getManifestByDigestRejectsBytesThatHashToSomethingElse() {
    Digest other = Digest.sha256("other".getBytes(UTF_8));
    registry.on(
        "/v2/library/app/manifests/" + other,
        ex -> respond(ex, 200, Map.of("Content-Type", SCHEMA2), MANIFEST));

    assertThatThrownBy(() -> client.getManifest(REPO, other.toString(), List.of()))
        .isInstanceOf(UnexpectedResponseException.class)
        .hasMessageContaining("pull manifest library/app@" + other)
        .hasMessageContaining(MANIFEST_DIGEST.toString())
        .hasCauseInstanceOf(DigestMismatchException.class);
  }

  @Test
  void getManifestByTagRejectsADigestHeaderThatDoesNotMatchTheBytes() {
    Digest other = Digest.sha256("other".getBytes(UTF_8));
    registry.on(
        MANIFEST_PATH,
        ex ->
            respond(
                ex,
                200,
                Map.of("Content-Type", SCHEMA2, "Docker-Content-Digest", other.toString()),
                MANIFEST));

    assertThatThrownBy(() -> client.getManifest(REPO, "1.2", List.of()))
        .isInstanceOf(UnexpectedResponseException.class)
        .hasCauseInstanceOf(DigestMismatchException.class);
  }

  private static final String SCHEMA1_SIGNED =
      "application/vnd.docker.distribution.manifest.v1+prettyjws";

  /** A schema1 payload as libtrust pretty-prints it, and its signed form; digest of the payload. */
  static final String SCHEMA1_PAYLOAD =
      "{\n   \"schemaVersion\": 1,\n   \"name\": \"library/app\",\n   \"tag\": \"1.2\"\n}";

  static byte[] signedSchema1(String payload) {
    int formatLength = payload.length() - 2; // before the closing "\n}"
    String tail = Base64.getUrlEncoder().withoutPadding().encodeToString("\n}".getBytes(UTF_8));
    String header =
        "{\"formatLength\":" + formatLength + ",\"formatTail\":\"" + tail + "\",\"time\":\"x\"}";
    String signature =
        "{\"header\":{\"alg\":\"ES256\"},\"signature\":\"c2ln\",\"protected\":\""
            + Base64.getUrlEncoder().withoutPadding().encodeToString(header.getBytes(UTF_8))
            + "\"}";
    return (payload.substring(0, formatLength)
            + ",\n   \"signatures\": [\n      "
            + signature
            + ",\n      "
            + signature
            + "\n   ]"
            + payload.substring(formatLength))
        .getBytes(UTF_8);
  }

  @Test
  void aSignedSchema1ManifestIsCheckedAgainstTheDigestOfItsSignedPayload() throws Exception {
    byte[] signed = signedSchema1(SCHEMA1_PAYLOAD);
    Digest digest = Digest.sha256(SCHEMA1_PAYLOAD.getBytes(UTF_8));
    registry.on(
        "/v2/library/app/manifests/" + digest,
        ex -> respond(ex, 200, Map.of("Content-Type", SCHEMA1_SIGNED), signed));

    Manifest manifest = client.getManifest(REPO, digest.toString(), List.of());

    assertThat(manifest.digest()).isEqualTo(digest);
    assertThat(manifest.bytes()).isEqualTo(signed);
  }

  @Test
  void aTamperedSignedSchema1ManifestIsRejectedByDigestAndByTag() {
    Digest digest = Digest.sha256(SCHEMA1_PAYLOAD.getBytes(UTF_8));
    byte[] tampered = signedSchema1(SCHEMA1_PAYLOAD.replace("library/app", "library/evil"));
    registry.on(
        "/v2/library/app/manifests/" + digest,
        ex -> respond(ex, 200, Map.of("Content-Type", SCHEMA1_SIGNED), tampered));
    registry.on(
        MANIFEST_PATH,
        ex ->
            respond(
                ex,
                200,
                Map.of("Content-Type", SCHEMA1_SIGNED, "Docker-Content-Digest", digest.toString()),
                tampered));

    assertThatThrownBy(() -> client.getManifest(REPO, digest.toString(), List.of()))
        .isInstanceOf(UnexpectedResponseException.class)
        .hasCauseInstanceOf(DigestMismatchException.class);
    assertThatThrownBy(() -> client.getManifest(REPO, "1.2", List.of()))
        .isInstanceOf(UnexpectedResponseException.class)
        .hasCauseInstanceOf(DigestMismatchException.class);
  }

  @Test
  void aSignedSchema1ManifestWithoutUsableSignaturesIsRejected() {
    byte[] unsigned = SCHEMA1_PAYLOAD.getBytes(UTF_8);
    Digest digest = Digest.sha256(unsigned);
    registry.on(
        MANIFEST_PATH,
        ex ->
            respond(
                ex,
                200,
                Map.of("Content-Type", SCHEMA1_SIGNED, "Docker-Content-Digest", digest.toString()),
                unsigned));

    assertThatThrownBy(() -> client.getManifest(REPO, "1.2", List.of()))
        .isInstanceOf(UnexpectedResponseException.class)
        .hasMessageContaining("bad signed schema1 manifest: the signed manifest has no signatures");
  }

  @Test
  void unknownManifestBecomesManifestUnknownNamingActionRepoAndTag() {
    registry.on(MANIFEST_PATH, ex -> respondError(ex, 404, "MANIFEST_UNKNOWN", "manifest unknown"));

    assertThatThrownBy(() -> client.getManifest(REPO, "1.2", List.of()))
        .isInstanceOfSatisfying(
            ManifestUnknownException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(404);
              assertThat(e.upstreamErrorCode()).contains("MANIFEST_UNKNOWN");
            })
        .hasMessageContaining("pull manifest library/app:1.2 from " + registry.uri())
        .hasMessageContaining("HTTP 404 MANIFEST_UNKNOWN: manifest unknown");
  }

  @Test
  void unknownRepositoryKeepsTheUpstreamErrorCode() {
    // No handler: the fake answers 404 NAME_UNKNOWN like distribution does for a missing repo.
    assertThatThrownBy(() -> client.getManifest(REPO, "1.2", List.of()))
        .isInstanceOfSatisfying(
            ManifestUnknownException.class,
            e -> assertThat(e.upstreamErrorCode()).contains("NAME_UNKNOWN"));
  }

  @Test
  void aReferenceThatIsNeitherTagNorDigestIsRejectedBeforeAnyRequest() {
    assertThatThrownBy(() -> client.getManifest(REPO, "../x", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(registry.requests()).isEmpty();
  }

  @Test
  void headManifestReadsTypeDigestAndSizeWithoutABody() throws Exception {
    serveManifest();

    UpstreamRegistry.ManifestHead head = client.headManifest(REPO, "1.2", List.of());

    assertThat(head)
        .isEqualTo(new UpstreamRegistry.ManifestHead(SCHEMA2, MANIFEST_DIGEST, MANIFEST.length));
    assertThat(registry.requests())
        .extracting(FakeHttpServer.Request::method)
        .containsExactly("HEAD");
  }

  @Test
  void headManifestFallsBackToGetWhenTheDigestHeaderIsMissing() throws Exception {
    registry.on(MANIFEST_PATH, ex -> respond(ex, 200, Map.of("Content-Type", SCHEMA2), MANIFEST));

    UpstreamRegistry.ManifestHead head = client.headManifest(REPO, "1.2", List.of());

    assertThat(head.digest()).isEqualTo(MANIFEST_DIGEST);
    assertThat(registry.requests())
        .extracting(FakeHttpServer.Request::method)
        .containsExactly("HEAD", "GET");
  }

  @Test
  void headManifestOfAnUnknownTagIsManifestUnknown() {
    assertThatThrownBy(() -> client.headManifest(REPO, "1.2", List.of()))
        .isInstanceOf(ManifestUnknownException.class)
        .hasMessageContaining("check manifest library/app:1.2");
  }

  // ---- blobs

  @Test
  void blobSizeComesFromTheHeadContentLength() throws Exception {
    serveBlob();

    assertThat(client.blobSize(REPO, BLOB_DIGEST)).isEqualTo(BLOB.length);
    assertThat(registry.requests())
        .extracting(FakeHttpServer.Request::method)
        .containsExactly("HEAD");
  }

  @Test
  void unknownBlobBecomesBlobUnknownNamingDigestAndRepo() {
    registry.on(BLOB_PATH, ex -> respondError(ex, 404, "BLOB_UNKNOWN", "blob unknown to registry"));

    assertThatThrownBy(() -> client.openBlob(REPO, BLOB_DIGEST, 0))
        .isInstanceOf(BlobUnknownException.class)
        .hasMessageContaining("pull blob " + BLOB_DIGEST + " of library/app");
    assertThatThrownBy(() -> client.blobSize(REPO, BLOB_DIGEST))
        .isInstanceOf(BlobUnknownException.class)
        .hasMessageContaining("check blob " + BLOB_DIGEST + " of library/app");
  }

  @Test
  void openBlobFromZeroStreamsTheVerifiedContent() throws Exception {
    serveBlob();

    try (BlobStream blob = client.openBlob(REPO, BLOB_DIGEST, 0)) {
      assertThat(blob.size()).isEqualTo(BLOB.length);
      assertThat(blob.offset()).isZero();
      assertThat(blob.body().readAllBytes()).isEqualTo(BLOB);
    }
    assertThat(registry.requests(BLOB_PATH).get(0).header("Range")).isEmpty();
  }

  @Test
  void openBlobFromZeroThrowsDigestMismatchAtTheEndOfAWrongBody() throws Exception {
    byte[] corrupt = BLOB.clone();
    corrupt[1000] ^= 1;
    registry.on(BLOB_PATH, ex -> respond(ex, 200, Map.of(), corrupt));

    try (BlobStream blob = client.openBlob(REPO, BLOB_DIGEST, 0)) {
      InputStream body = blob.body();
      assertThatThrownBy(body::readAllBytes)
          .isInstanceOf(DigestMismatchException.class)
          .hasMessageContaining(BLOB_DIGEST.toString());
      assertThatThrownBy(body::read).isInstanceOf(DigestMismatchException.class);
    }
  }

  @Test
  void openBlobThrowsDigestMismatchWhenTheBodyIsShorterThanTheSize() throws Exception {
    // Chunked, so the size comes from a HEAD that announces one byte more than the body has.
    registry.on(
        BLOB_PATH,
        ex -> {
          if (ex.getRequestMethod().equals("HEAD")) {
            respond(
                ex, 200, Map.of("Content-Length", Integer.toString(BLOB.length + 1)), new byte[0]);
          } else {
            respondChunked(ex, 200, Map.of(), BLOB);
          }
        });

    try (BlobStream blob = client.openBlob(REPO, BLOB_DIGEST, 0)) {
      assertThat(blob.size()).isEqualTo(BLOB.length + 1);
      assertThatThrownBy(() -> blob.body().readAllBytes())
          .isInstanceOf(DigestMismatchException.class)
          .hasMessageContaining("had " + BLOB.length + " bytes, expected " + (BLOB.length + 1));
    }
  }

  @Test
  void openBlobFromAnOffsetSendsRangeAndReadsThePartialAnswer() throws Exception {
    serveBlob();

    try (BlobStream blob = client.openBlob(REPO, BLOB_DIGEST, 1000)) {
      assertThat(blob.size()).isEqualTo(BLOB.length);
      assertThat(blob.offset()).isEqualTo(1000);
      assertThat(blob.body().readAllBytes()).isEqualTo(Arrays.copyOfRange(BLOB, 1000, BLOB.length));
    }
    assertThat(registry.requests(BLOB_PATH).get(0).header("Range")).containsExactly("bytes=1000-");
  }

  @Test
  void openBlobFromAnOffsetRejectsAnAnswerThatIgnoredRange() {
    registry.on(BLOB_PATH, ex -> respond(ex, 200, Map.of(), BLOB));

    assertThatThrownBy(() -> client.openBlob(REPO, BLOB_DIGEST, 1000))
        .isInstanceOf(UnexpectedResponseException.class)
        .hasMessageContaining("ignored Range");
  }

  @Test
  void openBlobFromAnOffsetRejectsAContentRangeThatStartsElsewhere() {
    registry.on(
        BLOB_PATH,
        ex ->
            respond(
                ex,
                206,
                Map.of("Content-Range", "bytes 0-" + (BLOB.length - 1) + "/" + BLOB.length),
                BLOB));

    assertThatThrownBy(() -> client.openBlob(REPO, BLOB_DIGEST, 1000))
        .isInstanceOf(UnexpectedResponseException.class)
        .hasMessageContaining("does not start at 1000");
  }

  @Test
  void openBlobFollowsARedirectToStorageWithoutSendingTheRegistryCredentials() throws Exception {
    try (FakeHttpServer storage = new FakeHttpServer()) {
      storage.on("/bucket/blob", ex -> respond(ex, 200, Map.of(), BLOB));
      registry.on(
          BLOB_PATH,
          ex -> {
            if (ex.getRequestHeaders().getFirst("Authorization") == null) {
              respond(ex, 401, Map.of("WWW-Authenticate", "Basic realm=\"registry\""), new byte[0]);
            } else {
              respond(
                  ex, 307, Map.of("Location", storage.uri() + "/bucket/blob?sig=abc"), new byte[0]);
            }
          });
      HttpUpstreamRegistry withCredentials =
          builder().credentials(new Credentials("alice", "secret")).build();

      try (BlobStream blob = withCredentials.openBlob(REPO, BLOB_DIGEST, 0)) {
        assertThat(blob.body().readAllBytes()).isEqualTo(BLOB);
      }

      FakeHttpServer.Request atStorage = storage.requests().get(0);
      assertThat(atStorage.query()).isEqualTo("sig=abc");
      assertThat(atStorage.header("Authorization")).isEmpty();
      assertThat(atStorage.header("User-Agent")).containsExactly("layerswarm-test/1");
    }
  }

  @Test
  void openBlobKeepsRangeAcrossARedirect() throws Exception {
    try (FakeHttpServer storage = new FakeHttpServer()) {
      storage.on(
          "/bucket/blob",
          ex ->
              respond(
                  ex,
                  206,
                  Map.of("Content-Range", "bytes 10-" + (BLOB.length - 1) + "/" + BLOB.length),
                  Arrays.copyOfRange(BLOB, 10, BLOB.length)));
      registry.on(
          BLOB_PATH,
          ex -> respond(ex, 302, Map.of("Location", storage.uri() + "/bucket/blob"), new byte[0]));

      try (BlobStream blob = client.openBlob(REPO, BLOB_DIGEST, 10)) {
        assertThat(blob.body().readAllBytes()).isEqualTo(Arrays.copyOfRange(BLOB, 10, BLOB.length));
      }
      assertThat(storage.requests().get(0).header("Range")).containsExactly("bytes=10-");
    }
  }

  @Test
  void aRedirectLoopEndsWithUnexpectedResponse() {
    registry.on(BLOB_PATH, ex -> respond(ex, 307, Map.of("Location", BLOB_PATH), new byte[0]));

    assertThatThrownBy(() -> client.openBlob(REPO, BLOB_DIGEST, 0))
        .isInstanceOf(UnexpectedResponseException.class)
        .hasMessageContaining("redirects");
  }

  // ---- errors and retries

  @Test
  void forbiddenBecomesDenied() {
    registry.on(
        MANIFEST_PATH,
        ex -> respondError(ex, 403, "DENIED", "requested access to the resource is denied"));

    assertThatThrownBy(() -> client.getManifest(REPO, "1.2", List.of()))
        .isInstanceOfSatisfying(
            DeniedException.class, e -> assertThat(e.httpStatus()).isEqualTo(403))
        .hasMessageContaining("library/app:1.2");
  }

  @Test
  void tooManyRequestsIsNotRetriedAndCarriesRetryAfter() {
    registry.on(
        MANIFEST_PATH,
        ex -> {
          ex.getResponseHeaders().add("Retry-After", "7");
          respondError(ex, 429, "TOOMANYREQUESTS", "slow down");
        });

    assertThatThrownBy(() -> client.getManifest(REPO, "1.2", List.of()))
        .isInstanceOfSatisfying(
            TooManyRequestsException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(429);
              assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
            });
    assertThat(registry.requests()).hasSize(1);
  }

  @Test
  void serverErrorsAreRetriedUntilOneSucceeds() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    registry.on(
        MANIFEST_PATH,
        ex -> {
          if (calls.incrementAndGet() < 3) {
            respondError(ex, 503, "UNAVAILABLE", "try again");
          } else {
            respond(ex, 200, Map.of("Content-Type", SCHEMA2), MANIFEST);
          }
        });

    assertThat(client.getManifest(REPO, "1.2", List.of()).digest()).isEqualTo(MANIFEST_DIGEST);
    assertThat(calls).hasValue(3);
  }

  @Test
  void serverErrorsThatOutlastTheRetriesBecomeUnavailable() {
    registry.on(MANIFEST_PATH, ex -> respondError(ex, 502, "UNAVAILABLE", "bad gateway"));

    assertThatThrownBy(() -> client.getManifest(REPO, "1.2", List.of()))
        .isInstanceOfSatisfying(
            RegistryUnavailableException.class, e -> assertThat(e.httpStatus()).isEqualTo(502))
        .hasMessageContaining("after 3 attempt(s)");
    assertThat(registry.requests()).hasSize(3);
  }

  @Test
  void anUnreachableRegistryBecomesUnavailableWithStatusZero() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      port = socket.getLocalPort();
    }
    HttpUpstreamRegistry unreachable =
        HttpUpstreamRegistry.builder(URI.create("http://127.0.0.1:" + port))
            .retries(2, Duration.ZERO)
            .build();

    assertThatThrownBy(unreachable::ping)
        .isInstanceOfSatisfying(
            RegistryUnavailableException.class, e -> assertThat(e.httpStatus()).isZero())
        .hasMessageContaining("ping registry from http://127.0.0.1:" + port)
        .hasMessageContaining("after 2 attempt(s)");
  }

  @Test
  void pingSucceedsOnTheBaseEndpoint() throws Exception {
    registry.on("/v2/", ex -> respond(ex, 200, Map.of(), "{}".getBytes(UTF_8)));

    client.ping();

    assertThat(registry.requests())
        .extracting(FakeHttpServer.Request::path)
        .containsExactly("/v2/");
  }

  @Test
  void pingOfSomethingThatIsNotARegistryFails() {
    assertThatThrownBy(client::ping)
        .isInstanceOf(UnexpectedResponseException.class)
        .hasMessageContaining("not a registry");
  }

  // ---- auth

  @Test
  void unauthorizedWithoutCredentialsForBasicIsUnauthorized() {
    registry.on(
        MANIFEST_PATH,
        ex -> respond(ex, 401, Map.of("WWW-Authenticate", "Basic realm=\"r\""), new byte[0]));

    assertThatThrownBy(() -> client.getManifest(REPO, "1.2", List.of()))
        .isInstanceOfSatisfying(
            UnauthorizedException.class, e -> assertThat(e.httpStatus()).isEqualTo(401))
        .hasMessageContaining("pull manifest library/app:1.2");
  }

  @Test
  void basicAuthAnswersTheChallengeAndIsThenSentUpFront() throws Exception {
    String expected = "Basic " + Base64.getEncoder().encodeToString("alice:secret".getBytes(UTF_8));
    registry.on(
        MANIFEST_PATH,
        ex -> {
          if (expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            respond(ex, 200, Map.of("Content-Type", SCHEMA2), MANIFEST);
          } else {
            respond(ex, 401, Map.of("WWW-Authenticate", "Basic realm=\"r\""), new byte[0]);
          }
        });
    HttpUpstreamRegistry withCredentials =
        new HttpUpstreamRegistry(registry.uri(), "ua", new Credentials("alice", "secret"));

    withCredentials.getManifest(REPO, "1.2", List.of());
    withCredentials.getManifest(REPO, "1.2", List.of());

    assertThat(registry.requests())
        .extracting(r -> r.header("Authorization").isEmpty())
        .containsExactly(true, false, false);
  }

  @Test
  void wrongBasicCredentialsEndInUnauthorizedAfterOneRetry() {
    registry.on(
        MANIFEST_PATH,
        ex -> respond(ex, 401, Map.of("WWW-Authenticate", "Basic realm=\"r\""), new byte[0]));
    HttpUpstreamRegistry withCredentials =
        builder().credentials(new Credentials("alice", "wrong")).build();

    assertThatThrownBy(() -> withCredentials.getManifest(REPO, "1.2", List.of()))
        .isInstanceOf(UnauthorizedException.class);
    assertThat(registry.requests()).hasSize(2);
  }

  /** Installs a token server at /token and a registry that wants its token for REPO's scope. */
  private AtomicInteger serveTokenFlow(String expectedBasic, int expiresIn) {
    AtomicInteger issued = new AtomicInteger();
    String challenge =
        "Bearer realm=\""
            + registry.uri()
            + "/token\",service=\"fake-registry\","
            + "scope=\"repository:library/app:pull\"";
    registry.on(
        "/token",
        ex -> {
          String auth = ex.getRequestHeaders().getFirst("Authorization");
          if (expectedBasic != null && !expectedBasic.equals(auth)) {
            respondError(ex, 401, "UNAUTHORIZED", "bad credentials");
            return;
          }
          int n = issued.incrementAndGet();
          respond(
              ex,
              200,
              Map.of("Content-Type", "application/json"),
              ("{\"token\":\"t" + n + "\",\"expires_in\":" + expiresIn + "}").getBytes(UTF_8));
        });
    registry.on(
        MANIFEST_PATH,
        ex -> {
          String auth = ex.getRequestHeaders().getFirst("Authorization");
          if (auth != null && auth.equals("Bearer t" + issued.get())) {
            respond(ex, 200, Map.of("Content-Type", SCHEMA2), MANIFEST);
          } else {
            respond(ex, 401, Map.of("WWW-Authenticate", challenge), new byte[0]);
          }
        });
    return issued;
  }

  @Test
  void tokenFlowFetchesATokenForTheChallengedScopeAndCachesIt() throws Exception {
    String basic = "Basic " + Base64.getEncoder().encodeToString("alice:secret".getBytes(UTF_8));
    AtomicInteger issued = serveTokenFlow(basic, 300);
    HttpUpstreamRegistry withCredentials =
        builder().credentials(new Credentials("alice", "secret")).build();

    withCredentials.getManifest(REPO, "1.2", List.of());
    withCredentials.getManifest(REPO, "1.2", List.of());

    assertThat(issued).hasValue(1);
    FakeHttpServer.Request tokenRequest = registry.requests("/token").get(0);
    assertThat(tokenRequest.query())
        .isEqualTo("service=fake-registry&scope=repository%3Alibrary%2Fapp%3Apull");
    assertThat(registry.requests(MANIFEST_PATH))
        .extracting(r -> r.header("Authorization"))
        .containsExactly(List.of(), List.of("Bearer t1"), List.of("Bearer t1"));
  }

  @Test
  void anonymousTokenFlowSendsNoCredentialsToTheRealm() throws Exception {
    serveTokenFlow(null, 300);

    client.getManifest(REPO, "1.2", List.of());

    assertThat(registry.requests("/token").get(0).header("Authorization")).isEmpty();
  }

  @Test
  void anExpiredTokenIsFetchedAgain() throws Exception {
    AtomicInteger issued = serveTokenFlow(null, 60);
    ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
    HttpUpstreamRegistry withClock = builder().clock(clock).build();

    withClock.getManifest(REPO, "1.2", List.of());
    clock.advance(Duration.ofSeconds(61));
    withClock.getManifest(REPO, "1.2", List.of());

    assertThat(issued).hasValue(2);
    // The second call sent no stale token: it got a 401 first and then used t2.
    assertThat(registry.requests(MANIFEST_PATH))
        .extracting(r -> r.header("Authorization"))
        .containsExactly(List.of(), List.of("Bearer t1"), List.of(), List.of("Bearer t2"));
  }

  @Test
  void aTokenServerThatRefusesTheCredentialsIsUnauthorizedNamingTheRealm() {
    serveTokenFlow("Basic something-else", 60);
    HttpUpstreamRegistry withCredentials =
        builder().credentials(new Credentials("alice", "secret")).build();

    assertThatThrownBy(() -> withCredentials.getManifest(REPO, "1.2", List.of()))
        .isInstanceOf(UnauthorizedException.class)
        .hasMessageContaining(
            "fetch token for scope 'repository:library/app:pull' from "
                + registry.uri()
                + "/token");
  }

  @Test
  void credentialsNeverShowTheirPassword() {
    assertThat(new Credentials("alice", "secret").toString()).doesNotContain("secret");
  }
}
