package io.layerswarm.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testbed.EndToEndPull;
import io.layerswarm.testbed.TestbedDirs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The backbone: a real image pulled with skopeo through two agents, from the real docker-registry,
 * with tracker, seeder and agents as separate processes of the built distribution.
 */
class EndToEndPullIT {

  static Path dist() {
    return Path.of(System.getProperty("layerswarm.dist", "../cli/target/layerswarm"))
        .toAbsolutePath();
  }

  @Test
  void twoAgentsPullEveryLayerThroughTheSwarmAndTheOriginSendsEachBlobOnceToTheSeeder()
      throws Exception {
    Path work = TestbedDirs.create("end-to-end");
    try (EndToEndPull run =
        new EndToEndPull(new EndToEndPull.Options(dist(), work, 24L << 20, 4, 2, System.out))) {
      EndToEndPull.Summary summary = run.run();
      summary.print(System.out);

      for (EndToEndPull.Pull pull : summary.pulls()) {
        assertThat(pull.ok())
            .as("skopeo through agent %d: %s", pull.agent(), pull.output())
            .isTrue();
        assertThat(pull.blobDigests())
            .as("blobs pulled through agent %d", pull.agent())
            .isEqualTo(summary.imageBlobDigests());
      }
      assertThat(summary.originBlobGetsByAgents())
          .as("blob GETs the agents sent to the origin")
          .isZero();
      assertThat(summary.originBlobGetsByDigest().keySet()).isEqualTo(summary.imageBlobDigests());
      assertThat(summary.originBlobGetsByDigest().values())
          .as("origin GETs per blob")
          .containsOnly(1L);
      assertThat(summary.originBlobBytes()).isEqualTo(summary.imageBlobBytes());
      assertThat(summary.originBlobBytesBy().keySet())
          .allMatch(ua -> ua.startsWith("layerswarm-seeder/"));

      for (EndToEndPull.Pull pull : summary.pulls()) {
        String metrics = scrape(pull.agentAddress());
        assertThat(sample(metrics, "agent_origin_fallback_bytes_total"))
            .as("agent %d: bytes from the origin", pull.agent())
            .isZero();
        assertThat(sample(metrics, "agent_blob_fetches_total{result=\"swarm\"}"))
            .as("agent %d: blobs from the swarm", pull.agent())
            .isEqualTo(summary.imageBlobDigests().size());
        // At least every blob byte; endgame requests may bring a block twice.
        assertThat(sample(metrics, "agent_swarm_bytes_total"))
            .as("agent %d: bytes from the swarm", pull.agent())
            .isGreaterThanOrEqualTo(summary.imageBlobBytes());
      }
    }
  }

  /** The agent's {@code /metrics} on its registry address. */
  private static String scrape(String agentAddress) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://" + agentAddress + "/metrics"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .contains("text/plain; version=0.0.4; charset=utf-8");
    return response.body();
  }

  /** The value of one series, written exactly as the agent writes it. */
  private static double sample(String metrics, String series) {
    return metrics
        .lines()
        .filter(line -> line.startsWith(series + " "))
        .findFirst()
        .map(line -> Double.parseDouble(line.substring(series.length() + 1).trim()))
        .orElseThrow(() -> new AssertionError("no " + series + " in:\n" + metrics));
  }
}
