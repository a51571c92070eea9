package io.layerswarm.tracker.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PasskeyTest {
  private static final String SECRET = "s3cr3t-Passkey_0123.~";

  @Test
  void onlyTheExactSecretMatches() {
    Passkey key = Passkey.of(SECRET);

    assertThat(key.matches(SECRET)).isTrue();
    assertThat(key.matches(SECRET + "x")).isFalse();
    assertThat(key.matches(SECRET.substring(1))).isFalse();
    assertThat(key.matches(SECRET.toUpperCase())).isFalse();
    assertThat(key.matches("")).isFalse();
  }

  @Test
  void theSecretNeverShowsInToString() {
    assertThat(Passkey.of(SECRET).toString()).doesNotContain(SECRET).isEqualTo("Passkey[redacted]");
  }

  @Test
  void aBadPasskeyIsReportedByItsKeyWithoutEchoingIt() {
    assertThatThrownBy(() -> Passkey.of("short"))
        .hasMessage(
            "tracker.passkey must be 16..128 characters of A-Z a-z 0-9 . _ ~ -, got 5"
                + " characters");
    assertThatThrownBy(() -> Passkey.of("has/slash/0123456789"))
        .hasMessageStartingWith("tracker.passkey must be")
        .hasMessageNotContaining("slash");
    assertThatThrownBy(() -> Passkey.of("x".repeat(129))).hasMessageStartingWith("tracker.passkey");
    assertThatThrownBy(() -> Passkey.of(null)).hasMessageStartingWith("tracker.passkey");
  }

  @Test
  void passkeysAreEqualByValue() {
    assertThat(Passkey.of(SECRET))
        .isEqualTo(Passkey.of(SECRET))
        .hasSameHashCodeAs(Passkey.of(SECRET))
        .isNotEqualTo(Passkey.of(SECRET + "1"));
  }
}
