package io.layerswarm.agent.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConnectDecisionTest {
  private static final Set<String> REGISTRIES =
      Set.of("registry.test:5000", "docker.io", "ghcr.io");

  @Test
  void aConfiguredRegistryWithItsPortIsIntercepted() {
    assertThat(ConnectDecision.decide("registry.test:5000", REGISTRIES, true))
        .isEqualTo(new ConnectDecision.Intercept("registry.test", "registry.test:5000"));
  }

  @Test
  void port443MatchesARegistryConfiguredWithoutAPortAndAliasesMapToDockerHub() {
    assertThat(ConnectDecision.decide("ghcr.io:443", REGISTRIES, true))
        .isEqualTo(new ConnectDecision.Intercept("ghcr.io", "ghcr.io"));
    assertThat(ConnectDecision.decide("registry-1.docker.io:443", REGISTRIES, true))
        .isEqualTo(new ConnectDecision.Intercept("registry-1.docker.io", "docker.io"));
  }

  @Test
  void anotherPortOfARegistryHostIsNotThatRegistry() {
    assertThat(ConnectDecision.decide("registry.test:5001", REGISTRIES, true))
        .isEqualTo(new ConnectDecision.Tunnel("registry.test", 5001));
  }

  @Test
  void otherHostsAreTunnelledOrRefusedByPolicy() {
    assertThat(ConnectDecision.decide("example.org:443", REGISTRIES, true))
        .isEqualTo(new ConnectDecision.Tunnel("example.org", 443));
    assertThat(ConnectDecision.decide("example.org:443", REGISTRIES, false))
        .isInstanceOfSatisfying(
            ConnectDecision.Refuse.class,
            r -> {
              assertThat(r.status()).isEqualTo(403);
              assertThat(r.reason()).contains("agent.https-proxy-other-hosts");
            });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "example.org",
        "example.org:",
        ":443",
        "example.org:0",
        "a:99999",
        "a:x",
        "[::1]:443"
      })
  void aMalformedTargetIs400(String target) {
    assertThat(ConnectDecision.decide(target, REGISTRIES, true))
        .isInstanceOfSatisfying(
            ConnectDecision.Refuse.class, r -> assertThat(r.status()).isEqualTo(400));
  }
}
