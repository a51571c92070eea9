package io.layerswarm.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RegistryHostTest {
  @ParameterizedTest
  @CsvSource({
    "docker.io, docker.io",
    "index.docker.io, docker.io",
    "registry-1.docker.io, docker.io",
    "Registry-1.Docker.IO, docker.io",
    "127.0.0.1:5000, 127.0.0.1:5000",
    "localhost, localhost",
    "GHCR.io, ghcr.io",
    "[::1]:5000, [::1]:5000",
    "my-registry.example.com:443, my-registry.example.com:443"
  })
  void hostsAreNormalized(String input, String normalized) {
    assertThat(RegistryHost.of(input).value()).isEqualTo(normalized);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "a b",
        "host:",
        "host:99999",
        "-host.com",
        "host-.com",
        "a/b",
        "a..b",
        "http://x",
        "host:port",
        "under_score.com"
      })
  void malformedHostsAreRejectedNamingTheValue(String input) {
    assertThatThrownBy(() -> RegistryHost.of(input)).isInstanceOf(IllegalArgumentException.class);
    assertThat(RegistryHost.isValid(input)).isFalse();
  }

  @Test
  void theHostOfABaseUriIncludesAnExplicitPort() {
    assertThat(RegistryHost.of(URI.create("http://127.0.0.1:5000")))
        .isEqualTo(RegistryHost.of("127.0.0.1:5000"));
    assertThat(RegistryHost.of(URI.create("https://registry-1.docker.io/")))
        .isEqualTo(RegistryHost.DOCKER_HUB);
  }
}
