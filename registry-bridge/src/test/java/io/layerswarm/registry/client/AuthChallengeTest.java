package io.layerswarm.registry.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {
  @Test
  void aBearerChallengeKeepsCommasInsideQuotedValues() {
    AuthChallenge c =
        AuthChallenge.parse(
                "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                    + "scope=\"repository:samalba/my-app:pull,push\"")
            .orElseThrow();

    assertThat(c.isBearer()).isTrue();
    assertThat(c.params())
        .isEqualTo(
            Map.of(
                "realm", "https://auth.docker.io/token",
                "service", "registry.docker.io",
                "scope", "repository:samalba/my-app:pull,push"));
  }

  @Test
  void unquotedValuesSpacesAndCaseAreTolerated() {
    AuthChallenge c =
        AuthChallenge.parse("bearer  Realm=http://x/token , service=reg").orElseThrow();

    assertThat(c.isBearer()).isTrue();
    assertThat(c.param("realm")).contains("http://x/token");
    assertThat(c.param("service")).contains("reg");
  }

  @Test
  void escapedQuotesAreUnescaped() {
    assertThat(AuthChallenge.parse("Basic realm=\"a \\\"b\\\" c\"").orElseThrow().param("realm"))
        .contains("a \"b\" c");
  }

  @Test
  void bearerIsPreferredOverBasicAcrossHeaderLines() {
    assertThat(
            AuthChallenge.choose(List.of("Basic realm=\"r\"", "Bearer realm=\"t\""))
                .orElseThrow()
                .isBearer())
        .isTrue();
    assertThat(
            AuthChallenge.choose(List.of("Negotiate", "Basic realm=\"r\"")).orElseThrow().isBasic())
        .isTrue();
    assertThat(AuthChallenge.choose(List.of())).isEmpty();
  }

  @Test
  void anUnterminatedQuoteDoesNotThrow() {
    assertThat(AuthChallenge.parse("Bearer realm=\"http://x")).isPresent();
    assertThat(AuthChallenge.parse("")).isEmpty();
    assertThat(AuthChallenge.parse("=x")).isEmpty();
  }
}
