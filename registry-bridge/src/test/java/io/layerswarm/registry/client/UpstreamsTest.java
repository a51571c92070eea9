package io.layerswarm.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UpstreamsTest {
  private final UpstreamRegistry hub =
      new InMemoryUpstreamRegistry(URI.create("https://registry-1.docker.io"));
  private final UpstreamRegistry local =
      new InMemoryUpstreamRegistry(URI.create("http://127.0.0.1:5000"));

  @Test
  void singleKeysTheUpstreamByItsHostAndPortAndMakesItTheDefault() {
    Upstreams upstreams = Upstreams.single(local);

    assertThat(upstreams.defaultHost()).isEqualTo("127.0.0.1:5000");
    assertThat(upstreams.defaultUpstream()).isSameAs(local);
    assertThat(upstreams.forHost("127.0.0.1:5000")).containsSame(local);
    assertThat(upstreams.forHost("127.0.0.1:5001")).isEmpty();
  }

  @Test
  void dockerHubAliasesAndCaseFindTheSameUpstream() {
    Upstreams upstreams =
        Upstreams.of("index.docker.io", Map.of("Docker.io", hub, "127.0.0.1:5000", local));

    assertThat(upstreams.defaultHost()).isEqualTo("docker.io");
    assertThat(upstreams.forHost("docker.io")).containsSame(hub);
    assertThat(upstreams.forHost("index.docker.io")).containsSame(hub);
    assertThat(upstreams.forHost("registry-1.docker.io")).containsSame(hub);
    assertThat(upstreams.hosts()).containsExactlyInAnyOrder("docker.io", "127.0.0.1:5000");
  }

  @Test
  void noNamespaceMeansTheDefaultUpstream() {
    Upstreams upstreams =
        Upstreams.of("docker.io", Map.of("docker.io", hub, "127.0.0.1:5000", local));

    assertThat(upstreams.forNamespace(Optional.empty())).containsSame(hub);
    assertThat(upstreams.forNamespace(Optional.of("127.0.0.1:5000"))).containsSame(local);
    assertThat(upstreams.forNamespace(Optional.of("ghcr.io"))).isEmpty();
  }

  @Test
  void anInvalidHostFindsNothingRatherThanThrowing() {
    assertThat(Upstreams.single(local).forHost("../etc")).isEmpty();
    assertThat(Upstreams.single(local).forHost(null)).isEmpty();
  }

  @Test
  void aDefaultHostThatIsNotConfiguredIsRejectedNamingIt() {
    assertThatThrownBy(() -> Upstreams.of("ghcr.io", Map.of("docker.io", hub)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ghcr.io");
  }

  @Test
  void twoAliasesOfOneHostAreRejected() {
    assertThatThrownBy(
            () -> Upstreams.of("docker.io", Map.of("docker.io", hub, "index.docker.io", local)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("configured twice");
  }

  @Test
  void anInvalidConfiguredHostIsRejectedNamingIt() {
    assertThatThrownBy(() -> Upstreams.of("docker.io", Map.of("docker.io", hub, "bad host", local)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad host");
  }
}
