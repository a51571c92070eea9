package io.layerswarm.registry.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ErrorBodyTest {
  @Test
  void anErrorBodyHasOneErrorWithCodeMessageAndNullDetail() {
    assertThat(new String(ErrorBody.json(ErrorCode.NAME_INVALID, "invalid repository name"), UTF_8))
        .isEqualTo(
            "{\"errors\":[{\"code\":\"NAME_INVALID\",\"message\":\"invalid repository name\",\"detail\":null}]}");
  }

  @Test
  void quotesAndControlCharactersInTheMessageAreEscaped() throws Exception {
    String hostile = "bad \"name\"\n</script>\\";

    JsonNode parsed =
        new ObjectMapper().readTree(ErrorBody.json(ErrorCode.DIGEST_INVALID, hostile));

    assertThat(parsed.path("errors").path(0).path("message").asText()).isEqualTo(hostile);
  }

  @Test
  void aRegistryApiExceptionRendersItsOwnBody() {
    RegistryApiException e = new RegistryApiException(ErrorCode.BLOB_UNKNOWN, "blob unknown");

    assertThat(new String(e.body(), UTF_8))
        .contains("\"code\":\"BLOB_UNKNOWN\"", "\"message\":\"blob unknown\"");
  }
}
