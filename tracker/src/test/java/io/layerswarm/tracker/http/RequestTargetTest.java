package io.layerswarm.tracker.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestTargetTest {
  @Test
  void originFormSplitsIntoPathAndRawQuery() {
    assertThat(RequestTarget.of("/announce?info_hash=%00%FF&port=1"))
        .isEqualTo(new RequestTarget("/announce", "info_hash=%00%FF&port=1"));
    assertThat(RequestTarget.of("/healthz")).isEqualTo(new RequestTarget("/healthz", ""));
  }

  @Test
  void absoluteFormDropsSchemeAndAuthority() {
    assertThat(RequestTarget.of("http://tracker:8080/scrape?x=1"))
        .isEqualTo(new RequestTarget("/scrape", "x=1"));
    assertThat(RequestTarget.of("http://tracker:8080")).isEqualTo(new RequestTarget("/", ""));
  }

  @Test
  void theQueryStaysPercentEncodedWhileThePathIsDecoded() {
    assertThat(RequestTarget.of("/metainfo/sha256%3Aab?repo=a%2Fb"))
        .isEqualTo(new RequestTarget("/metainfo/sha256:ab", "repo=a%2Fb"));
  }

  @Test
  void aMalformedPathEscapeIsKeptRawSoItMatchesNoRoute() {
    assertThat(RequestTarget.of("/announce%G?x").path()).isEqualTo("/announce%G");
  }
}
