package io.layerswarm.tracker.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.tracker.auth.PasskeyGate.Verdict;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PasskeyGateTest {
  private static final String KEY = "0123456789abcdef-cluster";
  private final PasskeyGate open = new PasskeyGate(Optional.empty());
  private final PasskeyGate closed = new PasskeyGate(Optional.of(Passkey.of(KEY)));

  @Test
  void withoutAPasskeyOnlyThePlainPathIsServed() {
    assertThat(open.check("/announce", "/announce")).isEqualTo(Verdict.ALLOWED);
    assertThat(open.check("/" + KEY + "/announce", "/announce"))
        .isEqualTo(Verdict.NOT_THIS_ENDPOINT);
    assertThat(open.check("/scrape", "/announce")).isEqualTo(Verdict.NOT_THIS_ENDPOINT);
  }

  @Test
  void withAPasskeyThePlainPathIsMissingItAndAnotherSegmentIsWrong() {
    assertThat(closed.check("/" + KEY + "/announce", "/announce")).isEqualTo(Verdict.ALLOWED);
    assertThat(closed.check("/" + KEY + "/scrape", "/scrape")).isEqualTo(Verdict.ALLOWED);
    assertThat(closed.check("/announce", "/announce")).isEqualTo(Verdict.MISSING);
    assertThat(closed.check("/guess/announce", "/announce")).isEqualTo(Verdict.WRONG);
  }

  @Test
  void pathsOfAnotherShapeAreNotTheEndpoint() {
    for (String path :
        new String[] {
          "//announce",
          "/a/b/announce",
          "/" + KEY + "/announcex",
          "/" + KEY + "announce",
          "/" + KEY + "/announce/",
          "/" + KEY
        }) {
      assertThat(closed.check(path, "/announce")).as(path).isEqualTo(Verdict.NOT_THIS_ENDPOINT);
    }
  }

  @Test
  void onlyTheRightPasskeyIsStrippedForOpenEndpoints() {
    assertThat(closed.stripPasskey("/" + KEY + "/metainfo/sha256:ab"))
        .isEqualTo("/metainfo/sha256:ab");
    assertThat(closed.stripPasskey("/guess/metainfo/sha256:ab"))
        .isEqualTo("/guess/metainfo/sha256:ab");
    assertThat(closed.stripPasskey("/metainfo/sha256:ab")).isEqualTo("/metainfo/sha256:ab");
    assertThat(open.stripPasskey("/" + KEY + "/metainfo/x")).isEqualTo("/" + KEY + "/metainfo/x");
  }
}
