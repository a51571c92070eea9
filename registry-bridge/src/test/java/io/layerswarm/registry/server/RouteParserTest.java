package io.layerswarm.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RepositoryName;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RouteParserTest {
  private static final String HEX = "a".repeat(64);
  private static final Digest DIGEST = new Digest("sha256", HEX);

  private static RepositoryName name(String value) {
    return new RepositoryName(value);
  }

  @ParameterizedTest
  @CsvSource({"GET,/v2/", "HEAD,/v2/", "GET,/v2", "GET,/v2/?ns=docker.io"})
  void theBaseEndpointIsBase(String method, String uri) throws Exception {
    assertThat(RouteParser.parse(method, uri)).isEqualTo(new Route.Base());
  }

  @Test
  void aManifestByTagIsAManifestRoute() throws Exception {
    assertThat(RouteParser.parse("GET", "/v2/library/alpine/manifests/3.20"))
        .isEqualTo(new Route.ManifestRoute(Optional.empty(), name("library/alpine"), "3.20"));
  }

  @Test
  void aManifestByDigestIsAManifestRouteWithItsDigest() throws Exception {
    Route route = RouteParser.parse("HEAD", "/v2/app/manifests/sha256:" + HEX);

    assertThat(route)
        .isInstanceOfSatisfying(
            Route.ManifestRoute.class, m -> assertThat(m.digest()).contains(DIGEST));
  }

  @Test
  void aBlobIsABlobRoute() throws Exception {
    assertThat(RouteParser.parse("GET", "/v2/a/b/c/blobs/sha256:" + HEX))
        .isEqualTo(new Route.BlobRoute(Optional.empty(), name("a/b/c"), DIGEST));
  }

  @Test
  void namesMayHaveComponentsCalledManifestsOrBlobs() throws Exception {
    assertThat(RouteParser.parse("GET", "/v2/blobs/manifests/manifests/latest"))
        .isEqualTo(new Route.ManifestRoute(Optional.empty(), name("blobs/manifests"), "latest"));
  }

  @Test
  void containerdNamespaceComesFromTheEncodedNsParameter() throws Exception {
    assertThat(RouteParser.parse("GET", "/v2/library/alpine/manifests/latest?ns=127.0.0.1%3A5000"))
        .isEqualTo(
            new Route.ManifestRoute(
                Optional.of("127.0.0.1:5000"), name("library/alpine"), "latest"));
  }

  @Test
  void containerdNamespaceMayBeUnencodedAndAmongOtherParameters() throws Exception {
    assertThat(
            RouteParser.parse(
                "GET", "/v2/library/alpine/blobs/sha256:" + HEX + "?x=1&ns=Docker.IO&y"))
        .isEqualTo(new Route.BlobRoute(Optional.of("docker.io"), name("library/alpine"), DIGEST));
  }

  @ParameterizedTest
  @CsvSource({
    "/v2/docker.io/library/alpine/manifests/latest, docker.io, library/alpine",
    "/v2/127.0.0.1:5000/app/manifests/latest, 127.0.0.1:5000, app",
    "/v2/localhost/team/app/manifests/latest, localhost, team/app",
    "/v2/registry.example.com/a/manifests/latest, registry.example.com, a",
    "/v2/index.docker.io/library/alpine/manifests/latest, docker.io, library/alpine"
  })
  void podmanPathPrefixNamesTheRegistryHost(String uri, String host, String repo) throws Exception {
    assertThat(RouteParser.parse("GET", uri))
        .isEqualTo(new Route.ManifestRoute(Optional.of(host), name(repo), "latest"));
  }

  @ParameterizedTest
  @CsvSource({
    "/v2/foo.bar/manifests/latest, foo.bar",
    "/v2/library/foo.bar/manifests/latest, library/foo.bar",
    "/v2/localhostx/app/manifests/latest, localhostx/app"
  })
  void aFirstComponentIsOnlyAHostWhenDockerWouldSaySo(String uri, String repo) throws Exception {
    assertThat(RouteParser.parse("GET", uri))
        .isEqualTo(new Route.ManifestRoute(Optional.empty(), name(repo), "latest"));
  }

  @Test
  void pathPrefixAndNsThatAgreeAreAccepted() throws Exception {
    assertThat(
            RouteParser.parse("GET", "/v2/docker.io/library/a/manifests/1?ns=registry-1.docker.io"))
        .isEqualTo(new Route.ManifestRoute(Optional.of("docker.io"), name("library/a"), "1"));
  }

  @Test
  void pathPrefixAndNsThatDisagreeAreNameInvalid() {
    assertCode("GET", "/v2/docker.io/library/a/manifests/1?ns=ghcr.io", ErrorCode.NAME_INVALID);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/v2/../etc/passwd",
        "/v2/library/../../manifests/latest",
        "/v2/library/./alpine/manifests/latest",
        "/v2/library/alpine/manifests/..",
        "/v2/library/alpine/blobs/.",
        "/v2/%2e%2e/manifests/latest",
        "/v2/%2E%2E/manifests/latest",
        "/v2/library%2falpine/manifests/latest",
        "/v2/library%2Falpine/manifests/latest",
        "/v2/library/alpine/manifests/%6catest",
        "/v2/library/alpine/manifests/latest%00",
        "/v2/%252e%252e/manifests/latest",
        "/v2/library\\alpine/manifests/latest",
        "/v2/library/alpine\u0000/manifests/latest",
        "/v2/library/alpine/manifests/lat est",
        "/v2/library/alpine/manifests/lat\test",
        "/v2/library/alp\u00e9ne/manifests/latest",
        "/v2/library/alpine/manifests/latest\r\n",
        "/%2e%2e/v2/",
        "v2/library/alpine/manifests/latest",
        "http://evil/v2/library/alpine/manifests/latest",
        "",
        "/v2//alpine/manifests/latest",
        "/v2/library//alpine/manifests/latest",
      })
  void traversalAndEncodingTricksAreNameInvalid(String uri) {
    assertCode("GET", uri, ErrorCode.NAME_INVALID);
  }

  @ParameterizedTest
  @ValueSource(strings = {"POST", "PUT", "PATCH", "DELETE"})
  void traversalIsCheckedBeforeTheMethod(String method) {
    assertCode(method, "/v2/../x/blobs/uploads/", ErrorCode.NAME_INVALID);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/v2/Library/alpine/manifests/latest",
        "/v2/library/-alpine/manifests/latest",
        "/v2/library/alpine-/manifests/latest",
        "/v2/library/al___pine/manifests/latest",
        "/v2/library/alpine./manifests/latest",
        "/v2/_catalog/x/manifests/latest",
        "/v2/a:b/manifests/latest",
        "/v2/docker.io/Library/a/manifests/latest",
        "/v2/bad_host.com/a/manifests/latest",
        "/v2/host.com:99999/a/manifests/latest",
        "/v2/library/alpine/manifests/latest?ns=not%20a%20host",
        "/v2/library/alpine/manifests/latest?ns=",
        "/v2/library/alpine/manifests/latest?ns=a.io&ns=b.io",
        "/v2/library/alpine/manifests/latest?ns=%zz",
      })
  void badNamesAndHostsAreNameInvalid(String uri) {
    assertCode("GET", uri, ErrorCode.NAME_INVALID);
  }

  @Test
  void aNameLongerThan255CharactersIsNameInvalid() {
    String longName = "a/".repeat(128) + "a";
    assertCode("GET", "/v2/" + longName + "/manifests/latest", ErrorCode.NAME_INVALID);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sha256:Aa00000000000000000000000000000000000000000000000000000000000000",
        "sha256:aa00000000000000000000000000000000000000000000000000000000000000a",
        "sha256:abc",
        "sha256:",
        "sha512:"
            + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "md5:d41d8cd98f00b204e9800998ecf8427e",
        ":abc",
        "latest",
      })
  void badBlobDigestsAreDigestInvalid(String digest) {
    assertCode("GET", "/v2/library/alpine/blobs/" + digest, ErrorCode.DIGEST_INVALID);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sha256:xyz",
        "sha256:B000000000000000000000000000000000000000000000000000000000000000",
        "foo:bar"
      })
  void aManifestReferenceWithAColonMustBeADigest(String reference) {
    assertCode("GET", "/v2/library/alpine/manifests/" + reference, ErrorCode.DIGEST_INVALID);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-latest", ".hidden", "lat~est", "la+test", "la!test"})
  void badTagsAreManifestInvalid(String tag) {
    assertCode("GET", "/v2/library/alpine/manifests/" + tag, ErrorCode.MANIFEST_INVALID);
  }

  @Test
  void aTagOf128CharactersIsValidAnd129IsNot() throws Exception {
    String tag128 = "t" + "a".repeat(127);
    assertThat(RouteParser.parse("GET", "/v2/a/manifests/" + tag128))
        .isInstanceOf(Route.ManifestRoute.class);
    assertCode("GET", "/v2/a/manifests/" + tag128 + "a", ErrorCode.MANIFEST_INVALID);
  }

  @ParameterizedTest
  @CsvSource({
    "POST,/v2/library/alpine/blobs/uploads/",
    "PUT,/v2/library/alpine/manifests/latest",
    "PATCH,/v2/library/alpine/blobs/uploads/1234",
    "DELETE,/v2/library/alpine/blobs/sha256:"
        + "a"
        + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "DELETE,/v2/",
    "OPTIONS,/v2/",
    "get,/v2/",
  })
  void anythingButGetAndHeadUnderV2IsUnsupported(String method, String uri) {
    assertCode(method, uri, ErrorCode.UNSUPPORTED);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/",
        "/v1/",
        "/v2x/library/alpine/manifests/latest",
        "/metrics",
        "/v2/_catalog",
        "/v2/library/alpine/tags/list",
        "/v2/library/alpine/referrers/sha256:"
            + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "/v2/library/alpine/blobs/uploads/",
        "/v2/library/alpine/blobs/uploads/1234",
        "/v2/library/alpine/manifests/latest/",
        "/v2/manifests/latest",
        "/v2/library",
      })
  void otherPathsAreNameUnknown(String uri) {
    assertCode("GET", uri, ErrorCode.NAME_UNKNOWN);
  }

  @Test
  void theMessageNamesTheBadPartAndTheErrorHasItsStatus() {
    assertThatThrownBy(() -> RouteParser.parse("GET", "/v2/library/alpine/blobs/sha256:abc"))
        .isInstanceOfSatisfying(
            RegistryApiException.class, e -> assertThat(e.code().httpStatus()).isEqualTo(400))
        .hasMessageContaining("'sha256:abc'")
        .hasMessageContaining("library/alpine");
  }

  @Test
  void aVeryLongBadValueIsShortenedInTheMessage() {
    String tag = "-" + "x".repeat(5000);
    assertThatThrownBy(() -> RouteParser.parse("GET", "/v2/a/manifests/" + tag))
        .isInstanceOf(RegistryApiException.class)
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
  }

  private static void assertCode(String method, String uri, ErrorCode code) {
    assertThatThrownBy(() -> RouteParser.parse(method, uri))
        .isInstanceOfSatisfying(
            RegistryApiException.class, e -> assertThat(e.code()).isEqualTo(code));
  }
}
