package io.layerswarm.seeder.harbor;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.auth.BearerToken;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ApiCredentialsTest {
  private static final String TOKEN = "preheat-api-token-0123456789";
  private final ApiCredentials credentials = new ApiCredentials(BearerToken.of(TOKEN));

  private boolean accepts(Map<String, String> headers) {
    Map<String, String> caseless = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    caseless.putAll(headers);
    return credentials.accepts(caseless::get);
  }

  private static String basic(String userAndPassword) {
    return "Basic "
        + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void harborsOauthModeSendsTheTokenAsABearerToken() {
    assertThat(accepts(Map.of("Authorization", "Bearer " + TOKEN))).isTrue();
  }

  @Test
  void harborsBasicModeSendsTheTokenAsThePasswordOfAnyUser() {
    assertThat(accepts(Map.of("Authorization", basic("harbor:" + TOKEN)))).isTrue();
    assertThat(accepts(Map.of("Authorization", basic(":" + TOKEN)))).isTrue();
  }

  @Test
  void harborsCustomModeSendsTheTokenInTheDocumentedHeader() {
    assertThat(accepts(Map.of("x-layerswarm-token", TOKEN))).isTrue();
  }

  @Test
  void aWrongOrMissingTokenInAnyFormIsRefused() {
    assertThat(accepts(Map.of())).isFalse();
    assertThat(accepts(Map.of("Authorization", "Bearer " + TOKEN + "x"))).isFalse();
    assertThat(accepts(Map.of("Authorization", basic(TOKEN + ":wrong")))).isFalse();
    assertThat(accepts(Map.of("Authorization", basic(TOKEN)))).isFalse();
    assertThat(accepts(Map.of("Authorization", "Basic %%%not-base64"))).isFalse();
    assertThat(accepts(Map.of("X-LayerSwarm-Token", "Bearer " + TOKEN))).isFalse();
    assertThat(accepts(Map.of("X-Other-Token", TOKEN))).isFalse();
  }

  @Test
  void theTokenStaysOutOfToString() {
    assertThat(credentials.toString()).doesNotContain(TOKEN);
  }
}
