package io.layerswarm.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HttpSignatureTest {
  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private static final String TARGET = "/announce?info_hash=%AB%01x&peer_id=-LS0100-1&port=6881";
  private final HttpSignature signature = HttpSignature.of(ClusterSecret.of(new byte[32]));

  @Test
  void aRequestSignedWithTheSameSecretIsValid() {
    String header = signature.sign("GET", TARGET, NOW);

    assertThat(signature.verify("GET", TARGET, header, NOW.plusSeconds(2)))
        .isEqualTo(HttpSignature.Check.VALID);
  }

  @Test
  void theHeaderHoldsTheTimeAndTheHexMacOnly() {
    assertThat(signature.sign("GET", TARGET, NOW))
        .matches("t=" + NOW.getEpochSecond() + ",v1=[0-9a-f]{64}");
  }

  @Test
  void anotherSecretsSignatureIsRefusedNamingTheKeyToCheck() {
    String header = HttpSignature.of(ClusterSecret.random()).sign("GET", TARGET, NOW);

    HttpSignature.Check check = signature.verify("GET", TARGET, header, NOW);

    assertThat(check.valid()).isFalse();
    assertThat(check.reason()).contains("bad signature").contains("cluster.secret-file");
  }

  @Test
  void aSignatureCoversTheMethodThePathAndEveryParameter() {
    String header = signature.sign("GET", TARGET, NOW);

    assertThat(signature.verify("POST", TARGET, header, NOW).valid()).isFalse();
    assertThat(signature.verify("GET", TARGET.replace("/announce", "/scrape"), header, NOW).valid())
        .isFalse();
    assertThat(signature.verify("GET", TARGET + "&event=stopped", header, NOW).valid()).isFalse();
    assertThat(signature.verify("GET", TARGET.replace("6881", "6666"), header, NOW).valid())
        .isFalse();
  }

  @Test
  void aSignatureFromOutsideTheSkewWindowIsRefusedEitherWay() {
    String header = signature.sign("GET", TARGET, NOW);
    long window = HttpSignature.MAX_SKEW.toSeconds();

    assertThat(signature.verify("GET", TARGET, header, NOW.plusSeconds(window)).valid()).isTrue();
    assertThat(signature.verify("GET", TARGET, header, NOW.minusSeconds(window)).valid()).isTrue();
    HttpSignature.Check late =
        signature.verify("GET", TARGET, header, NOW.plus(HttpSignature.MAX_SKEW).plusSeconds(1));
    assertThat(late.valid()).isFalse();
    assertThat(late.reason()).contains("301 s away").contains("clocks");
    assertThat(signature.verify("GET", TARGET, header, NOW.minus(Duration.ofHours(1))).valid())
        .isFalse();
  }

  @Test
  void aMissingHeaderIsRefusedSayingWhatToConfigure() {
    HttpSignature.Check check = signature.verify("GET", TARGET, null, NOW);

    assertThat(check.valid()).isFalse();
    assertThat(check.reason()).contains("Layerswarm-Signature").contains("cluster.secret-file");
  }

  @Test
  void malformedHeadersAreRefused() {
    String good = signature.sign("GET", TARGET, NOW);
    for (String bad :
        new String[] {
          "v1=" + good.substring(good.indexOf("v1=") + 3),
          good.toUpperCase(),
          good + ",",
          good.substring(0, good.length() - 1),
          "t=-5,v1=" + "0".repeat(64),
          "x".repeat(5000),
          ""
        }) {
      assertThat(signature.verify("GET", TARGET, bad, NOW).valid()).as(bad).isFalse();
    }
  }

  @Test
  void theTargetIsTheRawPathAndQueryAsSent() {
    assertThat(HttpSignature.target(URI.create("http://t:6969/metainfo/sha256:ab?repo=a%2Fb")))
        .isEqualTo("/metainfo/sha256:ab?repo=a%2Fb");
    assertThat(HttpSignature.target(URI.create("http://t:6969"))).isEqualTo("/");
    assertThat(HttpSignature.target(URI.create("http://t:6969/announce"))).isEqualTo("/announce");
  }
}
