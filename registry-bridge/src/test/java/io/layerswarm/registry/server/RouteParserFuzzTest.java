package io.layerswarm.registry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.layerswarm.core.Digest;
import io.layerswarm.registry.RegistryHost;
import io.layerswarm.registry.Tag;
import io.layerswarm.testing.fuzz.FuzzTarget;
import io.layerswarm.testing.fuzz.Mutations;
import java.io.IOException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;

/**
 * Fuzz target: {@link RouteParser}, the first look the agent takes at a registry request (from
 * dockerd, containerd, podman, or a container on the host). Inputs are request targets of every
 * route and client form (containerd's {@code ?ns=}, podman's host prefix) changed by edits, with
 * any method. Parsing either gives a route whose parts are valid, or a {@link RegistryApiException}
 * whose OCI error body is JSON.
 */
class RouteParserFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DIGEST = "sha256:" + "0f".repeat(32);

  static final List<String> SEEDS =
      List.of(
          "/v2/",
          "/v2",
          "/v2/library/alpine/manifests/3.20",
          "/v2/app/manifests/" + DIGEST,
          "/v2/library/app/blobs/" + DIGEST,
          "/v2/docker.io/library/app/blobs/" + DIGEST,
          "/v2/127.0.0.1:5000/team/app/manifests/latest",
          "/v2/app/blobs/" + DIGEST + "?ns=ghcr.io",
          "/v2/library/app/manifests/v1.2_3-rc?ns=127.0.0.1%3A5000&x=y",
          "/v2/_catalog",
          "/v2/app/tags/list",
          "/metrics");

  static final List<String> TOKENS =
      List.of(
          "/",
          "//",
          "%",
          "%2e",
          "%2F",
          "%zz",
          ".",
          "..",
          "\\",
          "?",
          "&",
          "=",
          "ns=",
          "ns=%",
          ":",
          ":99999",
          "sha256:",
          "manifests",
          "blobs",
          "localhost",
          "[::1]",
          "__",
          "--",
          "-",
          "A",
          "\u00e9",
          "\u0000",
          "\t",
          "a".repeat(300),
          "/a".repeat(200));

  @FuzzTarget
  void anyRequestTargetIsAValidRouteOrAnOciErrorWithAJsonBody(
      @ForAll("targets") String uri, @ForAll("methods") String method) throws IOException {
    Route route;
    try {
      route = RouteParser.parse(method, uri);
    } catch (RegistryApiException e) {
      assertThat(e.code()).isNotNull();
      JsonNode body = JSON.readTree(e.body());
      assertThat(body.path("errors").path(0).path("code").asText()).isEqualTo(e.code().name());
      assertThat(body.path("errors").path(0).path("message").asText()).isNotBlank();
      return;
    }
    if (route instanceof Route.ManifestRoute manifest) {
      manifest.namespace().ifPresent(ns -> assertThat(RegistryHost.isValid(ns)).isTrue());
      if (manifest.reference().contains(":")) {
        assertThat(manifest.digest()).isPresent();
      } else {
        assertThat(Tag.isValid(manifest.reference())).isTrue();
      }
    } else if (route instanceof Route.BlobRoute blob) {
      blob.namespace().ifPresent(ns -> assertThat(RegistryHost.isValid(ns)).isTrue());
      assertThat(Digest.parse(blob.digest().toString())).isEqualTo(blob.digest());
    }
  }

  @Provide
  static Arbitrary<String> targets() {
    return Mutations.text(SEEDS, TOKENS);
  }

  @Provide
  static Arbitrary<String> methods() {
    return Arbitraries.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "get", "", "GET ")
        .injectNull(0.02);
  }
}
