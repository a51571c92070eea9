package io.layerswarm.agent.pins;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.image.Descriptor;
import io.layerswarm.registry.image.Platform;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReadinessTest {
  private static final Pin PIN =
      Pin.parse("base/jdk:17", Optional.empty(), new Platform("linux", "amd64"));

  private static Descriptor blob(String name, long size) {
    return new Descriptor("layer", Digest.sha256(name.getBytes(StandardCharsets.UTF_8)), size);
  }

  private static PinState withLocal(int local) {
    List<Descriptor> blobs = List.of(blob("a", 10), blob("b", 20), blob("c", 30));
    Set<Digest> here =
        Set.copyOf(blobs.subList(0, local).stream().map(Descriptor::digest).toList());
    return PinState.initial(PIN)
        .resolved(Digest.sha256(new byte[] {1}), blobs, here)
        .checked(Instant.EPOCH, Optional.of("upstream registry.test said: secret-ish detail"));
  }

  @Test
  void anAgentWithoutPinsThatServesIsReady() {
    Readiness readiness = Readiness.of(false, List.of(), List.of());

    assertThat(readiness.ready()).isTrue();
    assertThat(readiness.json()).isEqualTo("{\"ready\":true}");
  }

  @Test
  void anIncompletePinMakesItUnreadyAndTheBodySaysWhatIsMissingWithoutTheErrorText() {
    Readiness readiness = Readiness.of(false, List.of(), List.of(withLocal(2)));

    assertThat(readiness.ready()).isFalse();
    assertThat(readiness.json())
        .isEqualTo(
            "{\"ready\":false,\"missing\":[{\"pin\":\"base/jdk:17 (linux/amd64)\","
                + "\"reason\":\"2 of 3 blobs local (30 of 60 bytes)\"}]}")
        .doesNotContain("secret-ish");
  }

  @Test
  void aDrainingOrUnhealthyAgentIsNotReadyEvenWithItsPinsComplete() {
    assertThat(Readiness.of(true, List.of(), List.of(withLocal(3))).json())
        .isEqualTo("{\"ready\":false,\"problems\":[\"draining\"]}");
    assertThat(Readiness.of(false, List.of("swarm-io stuck"), List.of(withLocal(3))).ready())
        .isFalse();
  }
}
