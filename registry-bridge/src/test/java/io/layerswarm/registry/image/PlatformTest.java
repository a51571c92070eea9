package io.layerswarm.registry.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlatformTest {
  @Test
  void parsesOsArchitectureAndVariant() {
    assertThat(Platform.parse("linux/arm64/v8").toString()).isEqualTo("linux/arm64/v8");
    assertThat(Platform.parse("Linux/AMD64")).isEqualTo(new Platform("linux", "amd64"));
  }

  @Test
  void aRequestWithoutVariantAcceptsEveryVariant() {
    assertThat(Platform.parse("linux/arm").accepts(Platform.parse("linux/arm/v7"))).isTrue();
    assertThat(Platform.parse("linux/arm").accepts(Platform.parse("linux/arm64"))).isFalse();
  }

  @Test
  void aRequestedVariantMustMatchAndArm64MeansV8WhenUnset() {
    assertThat(Platform.parse("linux/arm/v7").accepts(Platform.parse("linux/arm/v6"))).isFalse();
    assertThat(Platform.parse("linux/arm64/v8").accepts(Platform.parse("linux/arm64"))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "linux", "linux/", "/amd64", "linux/amd64/v8/x", "linux/amd 64"})
  void otherShapesAreRejected(String text) {
    assertThatThrownBy(() -> Platform.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("platform");
  }
}
