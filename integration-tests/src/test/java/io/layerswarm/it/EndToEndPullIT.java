package io.layerswarm.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.MetainfoAnswer;
import io.layerswarm.testbed.EndToEndPull;
import io.layerswarm.testbed.TestbedDirs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
  void twoAgentsPullEveryLayerThroughTheSwarmAndTheTinyConfigInsideItsMetainfoAnswer()
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
            .as("agent %d: blobs from the swarm (the layers)", pull.agent())
            .isEqualTo(summary.layers());
        assertThat(sample(metrics, "agent_blob_fetches_total{result=\"inline\"}"))
            .as("agent %d: blobs from their metainfo answer (the config)", pull.agent())
            .isEqualTo(1);
        assertThat(sample(metrics, "agent_verification_failures_total{source=\"inline\"}"))
            .isZero();
        // At least every layer byte; endgame requests may bring a block twice.
        assertThat(sample(metrics, "agent_swarm_bytes_total"))
            .as("agent %d: bytes from the swarm", pull.agent())
            .isGreaterThanOrEqualTo(summary.imageBlobBytes() - summary.configBytes());
        assertConfigNeverTouchedTheSwarm(work.resolve("agent" + pull.agent() + ".log"), summary);
      }
    }
  }

  /**
   * The agent's log: the config was stored from its metainfo answer, and no swarm download (hence
   * no announce, no peer and no piece) was started for it, while every layer had one.
   */
  private static void assertConfigNeverTouchedTheSwarm(Path agentLog, EndToEndPull.Summary summary)
      throws IOException {
    List<String> lines = Files.readAllLines(agentLog);
    String config = "digest=\"" + summary.configDigest() + "\"";
    assertThat(summary.configBytes()).isLessThanOrEqualTo(MetainfoAnswer.DEFAULT_INLINE_MAX_BYTES);
    assertThat(lines)
        .as("%s: the config stored from its metainfo answer", agentLog)
        .anyMatch(l -> l.contains(config) && l.contains("inlined in the metainfo answer verified"));
    assertThat(lines)
        .as("%s: swarm downloads of the config", agentLog)
        .noneMatch(l -> l.contains(config) && l.contains("from the swarm"));
    for (String layer : summary.imageBlobDigests()) {
      if (!layer.equals(summary.configDigest())) {
        assertThat(lines)
            .as("%s: the swarm download of layer %s", agentLog, layer)
            .anyMatch(l -> l.contains("digest=\"" + layer + "\"") && l.contains("from the swarm"));
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
