package io.layerswarm.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The example configs of the .deb (cli/src/deb/config) pass their daemon's start checks. */
class ShippedConfigsTest {
  private static Settings shipped(String daemon) throws ConfigException {
    Path file = Path.of("src/deb/config", daemon + ".yaml");
    // The package's postinst makes the secret file; this machine has none.
    return Settings.of(
        ConfigLoader.load(Optional.of(file), Map.of(), Map.of("cluster.secret-file", "")),
        file.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"tracker", "seeder", "agent"})
  void eachShippedConfigPassesItsDaemonsChecks(String daemon) throws Exception {
    assertThat(ConfigCheck.printable(shipped(daemon), daemon)).contains(daemon + ":\n");
  }

  @Test
  void theShippedSeederServesPreheatOnLoopbackAndOwnersPerBlobFitARingOfOne() throws Exception {
    var seeder = shipped("seeder").seeder();

    assertThat(seeder.adminListen()).isPresent();
    assertThat(seeder.adminListen().get().getAddress().isLoopbackAddress()).isTrue();
    assertThat(seeder.ringMembers()).isEmpty();
    assertThat(seeder.ringReplicas()).isEqualTo(1);
    assertThat(shipped("tracker").trackerRingReplicas()).isEqualTo(seeder.ringReplicas());
  }
}
