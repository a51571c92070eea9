package io.layerswarm.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TagTest {
  @ParameterizedTest
  @ValueSource(strings = {"latest", "1.2.3", "_x", "v1-rc.2_b", "A"})
  void tagsOfTheGrammarAreValid(String tag) {
    assertThat(new Tag(tag).value()).isEqualTo(tag);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-x", ".x", "a:b", "a/b", "a b"})
  void othersAreNot(String tag) {
    assertThat(Tag.isValid(tag)).isFalse();
    assertThatThrownBy(() -> new Tag(tag)).hasMessageContaining("invalid tag");
  }
}
