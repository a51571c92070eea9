package io.layerswarm.seeder.harbor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JobRequestTest {
  private static final String ROBOT = "Bearer robot-token-that-must-stay-secret";

  /** The body Harbor's Dragonfly driver marshals (dragonflyCreateJobRequest). */
  static byte[] harborBody(String url) {
    return ("{\"type\":\"preheat\",\"args\":{\"type\":\"image\",\"url\":\""
            + url
            + "\",\"tag\":\"\",\"filtered_query_params\":\"\",\"headers\":{\"Authorization\":\""
            + ROBOT
            + "\"},\"scope\":\"single_seed_peer\",\"concurrent_count\":0,\"timeout\":0},"
            + "\"scheduler_cluster_ids\":null}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void harborsBodyNamesTheImageByRegistryRepositoryAndTag() {
    JobRequest request =
        JobRequest.parse(harborBody("https://harbor.example.com/v2/team/app/manifests/1.0"));

    assertThat(request.registry()).isEqualTo("harbor.example.com");
    assertThat(request.image().toString()).isEqualTo("harbor.example.com/team/app:1.0");
  }

  @Test
  void aDigestReferenceAndAPortAreKept() {
    String digest = "sha256:" + "ab".repeat(32);
    JobRequest request =
        JobRequest.parse(harborBody("http://127.0.0.1:5000/v2/library/app/manifests/" + digest));

    assertThat(request.registry()).isEqualTo("127.0.0.1:5000");
    assertThat(request.image().digest().orElseThrow().toString()).isEqualTo(digest);
    assertThat(request.image().tag()).isEmpty();
  }

  @Test
  void theRegistryCredentialsInHeadersAreNotKept() {
    JobRequest request =
        JobRequest.parse(harborBody("https://harbor.example.com/v2/team/app/manifests/1.0"));

    assertThat(request.toString()).doesNotContain("robot-token");
  }

  @Test
  void otherJobTypesAndFilePreheatsAreRefusedSayingWhatIsTaken() {
    assertThatThrownBy(
            () ->
                JobRequest.parse(
                    "{\"type\":\"sync_peers\",\"args\":{}}".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("type must be \"preheat\"");
    assertThatThrownBy(
            () ->
                JobRequest.parse(
                    ("{\"type\":\"preheat\",\"args\":{\"type\":\"file\",\"url\":\"https://h/f\"}}")
                        .getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("args.type must be \"image\"");
  }

  @Test
  void aUrlThatIsNotAManifestUrlIsRefused() {
    for (String url :
        new String[] {
          "https://harbor.example.com/api/v2.0/projects",
          "ftp://harbor.example.com/v2/a/manifests/1",
          "https://user:pw@harbor.example.com/v2/a/manifests/1",
          "https://harbor.example.com/v2/a/manifests/1?x=y",
          "https://harbor.example.com/v2/Upper/manifests/1",
          "https://harbor.example.com/v2/a/manifests/sha256:nothex",
          "not a url"
        }) {
      assertThatThrownBy(() -> JobRequest.parse(harborBody(url)))
          .as(url)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("args.url must be")
          .hasMessageNotContaining("robot-token");
    }
  }

  @Test
  void aBodyThatIsNotAJobObjectIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> JobRequest.parse("[1]".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("JSON object");
    assertThatThrownBy(
            () -> JobRequest.parse(("{\"secret\":\"" + ROBOT).getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("not JSON")
        .hasMessageNotContaining("robot-token");
    assertThatThrownBy(
            () -> JobRequest.parse("{\"type\":\"preheat\"}".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("args must be an object");
    assertThatThrownBy(
            () ->
                JobRequest.parse(
                    "{\"type\":\"preheat\",\"args\":{\"type\":\"image\"}}"
                        .getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("args.url is required");
  }
}
