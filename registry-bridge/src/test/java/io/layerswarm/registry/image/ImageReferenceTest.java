package io.layerswarm.registry.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RegistryHost;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {
  private static final String HEX = "a".repeat(64);

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1:5000/app:1,     127.0.0.1:5000, app,              1",
    "ghcr.io/org/tool:v2.1,    ghcr.io,        org/tool,         v2.1",
    "localhost/app,            localhost,      app,              latest",
    "localhost:5050/a/b/c:x,   localhost:5050, a/b/c,            x",
    "docker.io/alpine:3,       docker.io,      library/alpine,   3",
    "index.docker.io/alpine,   docker.io,      library/alpine,   latest",
    "docker.io/bitnami/redis,  docker.io,      bitnami/redis,    latest",
  })
  void aFirstComponentWithADotAColonOrLocalhostIsTheRegistry(
      String text, String host, String repo, String reference) {
    ImageReference parsed = ImageReference.parse(text);

    assertThat(parsed.registry()).contains(RegistryHost.of(host));
    assertThat(parsed.repository().value()).isEqualTo(repo);
    assertThat(parsed.reference()).isEqualTo(reference);
  }

  @Test
  void aNameWithoutHostHasNoRegistryUntilTheDefaultIsApplied() {
    ImageReference parsed = ImageReference.parse("library/app:1.2");

    assertThat(parsed.registry()).isEmpty();
    assertThat(parsed.withDefaultRegistry(RegistryHost.of("127.0.0.1:5000")).toString())
        .isEqualTo("127.0.0.1:5000/library/app:1.2");
  }

  @Test
  void aOneComponentNameOnDockerHubGoesUnderLibraryButNotOnOtherRegistries() {
    ImageReference alpine = ImageReference.parse("alpine");

    assertThat(alpine.withDefaultRegistry(RegistryHost.DOCKER_HUB).repository().value())
        .isEqualTo("library/alpine");
    assertThat(alpine.withDefaultRegistry(RegistryHost.of("127.0.0.1:5000")).repository().value())
        .isEqualTo("alpine");
  }

  @Test
  void aDigestWinsOverATag() {
    ImageReference parsed = ImageReference.parse("127.0.0.1:5000/app:1@sha256:" + HEX);

    assertThat(parsed.tag().orElseThrow().value()).isEqualTo("1");
    assertThat(parsed.digest()).contains(new Digest("sha256", HEX));
    assertThat(parsed.reference()).isEqualTo("sha256:" + HEX);
    assertThat(parsed.toString()).isEqualTo("127.0.0.1:5000/app:1@sha256:" + HEX);
  }

  @Test
  void aRepositoryByDigestHasNoTag() {
    ImageReference parsed = ImageReference.parse("app@sha256:" + HEX);

    assertThat(parsed.registry()).isEmpty();
    assertThat(parsed.tag()).isEmpty();
    assertThat(parsed.reference()).isEqualTo("sha256:" + HEX);
  }

  @Test
  void aPortIsNotMistakenForATag() {
    ImageReference parsed = ImageReference.parse("127.0.0.1:5000/app");

    assertThat(parsed.registry()).contains(RegistryHost.of("127.0.0.1:5000"));
    assertThat(parsed.tag()).isEmpty();
    assertThat(parsed.reference()).isEqualTo("latest");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "App:1",
        "app:-x",
        "app@sha256:abc",
        "app@md5:" + "a",
        "127.0.0.1:99999/app",
        "a//b",
        "/app",
        "app:"
      })
  void malformedReferencesAreRejectedWithTheReferenceInTheMessage(String text) {
    assertThatThrownBy(() -> ImageReference.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("image reference");
  }

  @Test
  void theRecordKeepsItsParts() {
    ImageReference built =
        new ImageReference(
            Optional.empty(),
            new io.layerswarm.registry.RepositoryName("x/y"),
            Optional.empty(),
            Optional.empty());

    assertThat(built.toString()).isEqualTo("x/y");
    assertThat(ImageReference.parse("x/y")).isEqualTo(built);
  }
}
