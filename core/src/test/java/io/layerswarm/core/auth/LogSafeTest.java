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
}
