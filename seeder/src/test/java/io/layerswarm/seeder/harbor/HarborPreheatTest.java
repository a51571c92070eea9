package io.layerswarm.seeder.harbor;

import static io.layerswarm.seeder.harbor.JobRequestTest.harborBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.layerswarm.core.Digest;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.seeder.preheat.PreheatEvent;
import io.layerswarm.testing.ManualClock;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class HarborPreheatTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String URL = "http://registry.test:5000/v2/team/app/manifests/1";
  private static final Digest LAYER = new Digest("sha256", "1".repeat(64));
  private static final Digest CONFIG = new Digest("sha256", "2".repeat(64));

  private final ManualClock clock = new ManualClock();
  private final Queue<Runnable> queued = new ArrayDeque<>();
  private final Upstreams upstreams =
      Upstreams.single(new InMemoryUpstreamRegistry(URI.create("http://registry.test:5000")));

  private HarborPreheat api(HarborPreheat.Preheater preheater, Executor jobs) {
    return new HarborPreheat(upstreams, preheater, jobs, clock, "seeder-1", "10.0.0.7");
  }

  private HarborPreheat api(HarborPreheat.Preheater preheater) {
    return api(preheater, queued::add);
  }

  private static HarborPreheat.Preheater holding(Digest... blobs) {
    return (label, image, listener) -> {
      for (Digest blob : blobs) {
        listener.progress(
            new PreheatEvent(label, Optional.of(blob), 1, 1, PreheatEvent.State.DONE, "held"));
      }
      return true;
    };
  }

  private static JsonNode json(HarborPreheat.Answer answer) throws Exception {
    assertThat(answer.code()).as(answer.body()).isNull();
    return JSON.readTree(answer.body());
  }

  private void runQueued() {
    for (Runnable job; (job = queued.poll()) != null; ) {
      job.run();
    }
  }

  @Test
  void aCreatedJobIsPendingUntilItRunsThenSucceedsWithOneTaskPerBlob() throws Exception {
    HarborPreheat api = api(holding(CONFIG, LAYER));

    JsonNode created = json(api.create(harborBody(URL)));
    long id = created.get("id").asLong();
    assertThat(created.get("state").asText()).isEqualTo("PENDING");
    assertThat(created.get("created_at").asText()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(json(api.status(id)).get("state").asText()).isEqualTo("PENDING");

    clock.advance(Duration.ofSeconds(3));
    runQueued();

    JsonNode done = json(api.status(id));
    assertThat(done.get("state").asText()).isEqualTo("SUCCESS");
    assertThat(done.get("updated_at").asText()).isEqualTo("2026-01-01T00:00:03Z");
    JsonNode result = done.at("/result/job_states/0/results/0");
    assertThat(result.get("scheduler_cluster_id").asInt()).isEqualTo(1);
    assertThat(result.get("success_tasks")).hasSize(2);
    JsonNode task = result.at("/success_tasks/1");
    assertThat(task.get("url").asText())
        .isEqualTo("http://registry.test:5000/v2/team/app/blobs/" + LAYER);
    assertThat(task.get("hostname").asText()).isEqualTo("seeder-1");
    assertThat(task.get("ip").asText()).isEqualTo("10.0.0.7");
    assertThat(result.get("failure_tasks")).isEmpty();
  }

  @Test
  void aPreheatThatFailsIsAFailureWithItsReason() throws Exception {
    HarborPreheat api =
        api(
            (label, image, listener) -> {
              listener.progress(
                  new PreheatEvent(
                      label,
                      Optional.empty(),
                      0,
                      0,
                      PreheatEvent.State.FAILED,
                      "manifest team/app:1 is unknown to registry.test:5000"));
              return false;
            });
    long id = json(api.create(harborBody(URL))).get("id").asLong();

    runQueued();

    JsonNode failed = json(api.status(id));
    assertThat(failed.get("state").asText()).isEqualTo("FAILURE");
    assertThat(failed.at("/result/job_states/0/error").asText())
        .contains("manifest team/app:1 is unknown");
  }

  @Test
  void aBlobThatFailsIsAFailureTaskWithItsDescription() throws Exception {
    HarborPreheat api =
        api(
            (label, image, listener) -> {
              listener.progress(
                  new PreheatEvent(
                      label, Optional.of(LAYER), 0, 1, PreheatEvent.State.ERROR, "origin 502"));
              return false;
            });
    long id = json(api.create(harborBody(URL))).get("id").asLong();

    runQueued();

    JsonNode failed = json(api.status(id));
    assertThat(failed.get("state").asText()).isEqualTo("FAILURE");
    JsonNode task = failed.at("/result/job_states/0/results/0/failure_tasks/0");
    assertThat(task.get("description").asText()).isEqualTo("origin 502");
    assertThat(failed.at("/result/job_states/0/error").asText()).contains(LAYER + ": origin 502");
  }

  @Test
  void aRegistryThatIsNoUpstreamIsRefusedAtCreateAndNothingIsQueued() {
    HarborPreheat.Answer answer =
        api(holding()).create(harborBody("https://harbor.example.com/v2/team/app/manifests/1"));

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.code()).isEqualTo("UNKNOWN_UPSTREAM");
    assertThat(answer.body()).contains("harbor.example.com").contains("registry.test:5000");
    assertThat(queued).isEmpty();
  }

  @Test
  void aBadBodyIsRefusedWithoutEchoingTheRegistryToken() {
    HarborPreheat.Answer answer = api(holding()).create(harborBody("https://x/not/a/manifest"));

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body()).contains("args.url").doesNotContain("robot-token");
    assertThat(queued).isEmpty();
  }

  @Test
  void aFullJobQueueIsBusyWithRetryAfterAndTheJobIsForgotten() throws Exception {
    HarborPreheat api =
        api(
            holding(),
            job -> {
              throw new RejectedExecutionException("full");
            });

    HarborPreheat.Answer answer = api.create(harborBody(URL));

    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.retryAfterSeconds()).isPositive();
    assertThat(api.status(1).status()).isEqualTo(404);
  }

  @Test
  void anUnknownJobIsNotFound() {
    HarborPreheat.Answer answer = api(holding()).status(42);

    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.code()).isEqualTo("JOB_UNKNOWN");
  }

  @Test
  void noAnswerCarriesHarborsRegistryToken() throws Exception {
    HarborPreheat api = api(holding(LAYER));
    String created = api.create(harborBody(URL)).body();
    runQueued();

    assertThat(created).doesNotContain("robot-token");
    assertThat(api.status(1).body()).doesNotContain("robot-token");
  }
}
