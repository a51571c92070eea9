package io.layerswarm.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class LogSafeTest {
  @Test
  void userInfoQueryAndFragmentAreLeftOut() {
    assertThat(LogSafe.uri(URI.create("http://user:pw@tracker:6969/metainfo/sha256:ab?repo=x#f")))
        .isEqualTo("http://tracker:6969/metainfo/sha256:ab");
  }

  @Test
  void ipv6HostsKeepTheirBrackets() {
    assertThat(LogSafe.uri(URI.create("http://[::1]:6969/announce?k=secret")))
        .isEqualTo("http://[::1]:6969/announce");
  }

  @Test
  void urlsWithoutAHostShowNothingOfTheirContent() {
    assertThat(LogSafe.uri(URI.create("mailto:secret@example.com"))).isEqualTo("mailto:<opaque>");
    assertThat(LogSafe.uri(URI.create("secret?x=1"))).isEqualTo("<relative URL>");
  }

  @Test
  void outsideTextHasItsControlCharactersEscapedSoItCannotForgeALogLine() {
    String forged = "slow down\n2026-12-07 INFO  agent ready\r\u001b[31mred\u0000\u0085\u2028\\n";

    String shown = LogSafe.text(forged);

    assertThat(shown)
        .isEqualTo(
            "slow down\\n2026-12-07 INFO  agent ready\\r\\u001b[31mred\\u0000\\u0085\\u2028\\\\n");
    assertThat(shown).doesNotContainPattern("[\\p{Cntrl}\\u2028\\u2029]");
  }

  @Test
  void outsideTextIsCutAtItsLimitAndSaysHowMuchWasLeftOut() {
    String shown = LogSafe.text("w".repeat(LogSafe.MAX_TEXT + 5000));

    assertThat(shown).isEqualTo("w".repeat(LogSafe.MAX_TEXT) + "...(5000 more)");
  }

  @Test
  void printableTextIsShownAsItIs() {
    assertThat(LogSafe.text("tracker is shutting down at 03:00 (café)"))
        .isEqualTo("tracker is shutting down at 03:00 (café)");
  }
}
