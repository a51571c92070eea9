package io.layerswarm.agent.pins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.SetupException;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.registry.image.Platform;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PinTest {
  private static final Platform HOST = new Platform("linux", "amd64");

  @Test
  void aPlainReferenceTakesTheHostPlatform() {
    Pin pin = Pin.parse("registry.test:5000/base/jdk:17", Optional.empty(), HOST);

    assertThat(pin.image().toString()).isEqualTo("registry.test:5000/base/jdk:17");
    assertThat(pin.platform()).isEqualTo(HOST);
    assertThat(pin.fixed()).isFalse();
  }

  @Test
  void aDigestReferenceIsFixedAndAPlatformCanBeGiven() {
    Pin pin = Pin.parse("base/jdk@sha256:" + "a".repeat(64), Optional.of("linux/arm64/v8"), HOST);

    assertThat(pin.fixed()).isTrue();
    assertThat(pin.platform().toString()).isEqualTo("linux/arm64/v8");
  }

  @Test
  void badReferencesAndPlatformsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> Pin.parse("Base/JDK:17", Optional.empty(), HOST))
        .hasMessageContaining("bad repository name");
    assertThatThrownBy(() -> Pin.parse("base/jdk:17", Optional.of("amd64"), HOST))
        .hasMessageContaining("os/architecture");
    assertThatThrownBy(() -> Pin.parse("", Optional.empty(), HOST)).hasMessageContaining("empty");
  }

  @Test
  void theSameImageAndPlatformCannotBePinnedTwice() {
    Pin pin = Pin.parse("base/jdk:17", Optional.empty(), HOST);

    assertThatThrownBy(() -> new PinsConfig(List.of(pin, pin), Duration.ofMinutes(5)))
        .hasMessage("agent.pins[1]: base/jdk:17 (linux/amd64) is pinned twice");
    assertThatThrownBy(() -> new PinsConfig(List.of(pin), Duration.ofMillis(500)))
        .hasMessageContaining("agent.pins-refresh must be at least 1s");
  }

  @Test
  void aPinOfARegistryThatIsNoUpstreamIsRefusedAtStartNamingTheEntry() throws Exception {
    Upstreams upstreams =
        Upstreams.of(
            "registry.test:5000",
            Map.of(
                "registry.test:5000",
                new InMemoryUpstreamRegistry(URI.create("http://registry.test:5000"))));
    PinsConfig ok =
        new PinsConfig(
            List.of(
                Pin.parse("registry.test:5000/base/jdk:17", Optional.empty(), HOST),
                Pin.parse("base/tomcat:10", Optional.empty(), HOST)),
            Duration.ofMinutes(5));
    PinsConfig other =
        new PinsConfig(
            List.of(
                Pin.parse("base/jdk:17", Optional.empty(), HOST),
                Pin.parse("elsewhere.test/base/jdk:17", Optional.empty(), HOST)),
            Duration.ofMinutes(5));

    ok.requireUpstreams(upstreams);
    assertThatThrownBy(() -> other.requireUpstreams(upstreams))
        .isInstanceOf(SetupException.class)
        .hasMessageStartingWith("agent.pins[1]: elsewhere.test/base/jdk:17 names registry")
        .hasMessageContaining("[registry.test:5000]");
  }

  @Test
  void theHostPlatformIsSpelledTheOciWay() {
    Platform host = Pin.hostPlatform();

    assertThat(host.os()).isEqualTo("linux");
    assertThat(host.architecture()).isIn("amd64", "arm64", "ppc64le", "s390x", "riscv64", "386");
  }
}
