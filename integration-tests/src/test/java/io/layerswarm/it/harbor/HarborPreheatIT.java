package io.layerswarm.it.harbor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.layerswarm.it.cluster.ClusterBed;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.OriginRegistry;
import io.layerswarm.testbed.RegistryPusher;
import io.layerswarm.testbed.SecretFiles;
import io.layerswarm.testbed.TestbedDirs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Harbor's P2P preheat with LayerSwarm as a "Dragonfly" provider instance: requests of exactly the
 * shapes Harbor's dragonfly driver sends (its health check, its create-job body with the robot
 * token in {@code args.headers}, its status poll), in each auth mode a provider instance offers,
 * against a seeder daemon with a cluster secret and {@code seeder.preheat-api-token-file}, and the
 * real docker-registry as origin.
 */
class HarborPreheatIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final String REPO = "team/harbor";
  private static final Duration JOB_DEADLINE = Duration.ofMinutes(3);

  private static ClusterBed bed;
  private static OriginRegistry origin;
  private static Image image;
  private static Path seederData;
  private static String token;
  private static URI endpoint;

  @BeforeAll
  static void start() throws Exception {
    bed = new ClusterBed(TestbedDirs.create("harbor-preheat"));
    Path work = bed.work();
    origin = bed.track(OriginRegistry.start(work.resolve("origin")));
    image = bed.image("image", 3, 6L << 20);
    new RegistryPusher(origin.baseUri()).push(image, REPO, "1");
    Path secret = SecretFiles.clusterSecret(work.resolve("cluster.secret"));
    Path tokenFile = SecretFiles.random(work.resolve("preheat-api.token"), 24);
    token = SecretFiles.content(tokenFile);
    Path config =
        bed.config(
            "seeder.yaml",
            """
                cluster:
                  secret-file: %s
                seeder:
                  preheat-api-token-file: %s
                """
                .formatted(secret, tokenFile));
    int[] ports = FreePorts.pick(2);
    seederData = work.resolve("seeder");
    List<String> args =
        new ArrayList<>(
            List.of(
                ClusterBed.seederArgs(
                    ports[0],
                    seederData,
                    origin.baseUri().toString(),
                    "http://127.0.0.1:" + ports[1])));
    args.addAll(List.of("--config", config.toString()));
    DaemonProcess seeder = bed.daemon("seeder", args.toArray(String[]::new));
    assertThat(seeder.output()).doesNotContain(token);
    // What an admin enters as the provider instance's endpoint: the seeder's control URL.
    endpoint = URI.create("http://127.0.0.1:" + ports[0]);
  }

  @AfterAll
  static void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  /** The Authorization or custom header each Harbor auth mode sends. */
  private enum Mode {
    OAUTH,
    BASIC,
    CUSTOM;

    String[] header(String value) {
      return switch (this) {
        case OAUTH -> new String[] {"Authorization", "Bearer " + value};
        case BASIC ->
            new String[] {
              "Authorization",
              "Basic "
                  + Base64.getEncoder()
                      .encodeToString(("harbor:" + value).getBytes(StandardCharsets.UTF_8))
            };
        case CUSTOM -> new String[] {"X-LayerSwarm-Token", value};
      };
    }
  }

  /** Harbor's dragonflyCreateJobRequest, marshalled as Go does, for an artifact of its project. */
  private static String createJobBody(String reference) {
    return """
        {"type":"preheat","args":{"type":"image","url":"%s","tag":"","filtered_query_params":"",\
        "headers":{"Authorization":"Bearer harbor-robot-token-for-the-registry"},\
        "scope":"single_seed_peer","concurrent_count":0,"timeout":0},"scheduler_cluster_ids":null}"""
        .formatted(origin.baseUri() + "/v2/" + REPO + "/manifests/" + reference);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request, String... header)
      throws Exception {
    if (header.length > 0) {
      request.header(header[0], header[1]);
    }
    return HTTP.send(
        request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path, String... header) throws Exception {
    return send(HttpRequest.newBuilder(endpoint.resolve(path)).GET(), header);
  }

  private static HttpResponse<String> create(String body, String... header) throws Exception {
    return send(
        HttpRequest.newBuilder(endpoint.resolve("/oapi/v1/jobs"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)),
        header);
  }

  /** Polls the job as Harbor's CheckProgress does until it leaves PENDING. */
  private static JsonNode awaitFinished(long id, String... header) throws Exception {
    Instant deadline = Instant.now().plus(JOB_DEADLINE);
    while (true) {
      HttpResponse<String> status = get("/oapi/v1/jobs/" + id, header);
      assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
      JsonNode job = JSON.readTree(status.body());
      assertThat(job.get("id").asLong()).isEqualTo(id);
      if (!"PENDING".equals(job.get("state").asText())) {
        return job;
      }
      assertThat(Instant.now()).as("job %d still pending", id).isBefore(deadline);
      Thread.sleep(200); // Harbor polls too; the job ends on its own
    }
  }

  @Test
  void healthIsOkWithTheTokenInEveryModeAndRefusedWithoutIt() throws Exception {
    for (Mode mode : Mode.values()) {
      assertThat(get("/healthy", mode.header(token)).statusCode()).as(mode.name()).isEqualTo(200);
    }
    HttpResponse<String> none = get("/healthy");
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.body()).contains("seeder.preheat-api-token-file");
  }

  @Test
  void aPreheatInEachAuthModeSucceedsWithOneTaskPerBlobAndTheSeederHoldsThemAll() throws Exception {
    Set<String> blobs = ClusterBed.blobDigests(image);
    Set<String> blobUrls =
        blobs.stream()
            .map(d -> origin.baseUri() + "/v2/" + REPO + "/blobs/" + d)
            .collect(Collectors.toCollection(TreeSet::new));
    for (Mode mode : Mode.values()) {
      HttpResponse<String> created = create(createJobBody("1"), mode.header(token));
      assertThat(created.statusCode()).as(mode + ": " + created.body()).isEqualTo(200);
      assertThat(created.body()).doesNotContain("harbor-robot-token");
      JsonNode job = JSON.readTree(created.body());
      assertThat(job.get("state").asText()).isEqualTo("PENDING");
      Instant.parse(job.get("created_at").asText()); // RFC 3339, as Go's time.Time reads it

      JsonNode done = awaitFinished(job.get("id").asLong(), mode.header(token));

      assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("SUCCESS");
      JsonNode result = done.at("/result/job_states/0/results/0");
      Set<String> urls = new TreeSet<>();
      result.get("success_tasks").forEach(task -> urls.add(task.get("url").asText()));
      assertThat(urls).as(mode.name()).isEqualTo(blobUrls);
      assertThat(result.get("failure_tasks")).isEmpty();
      assertThat(result.at("/success_tasks/0/ip").asText()).isEqualTo("127.0.0.1");
      assertThat(ClusterBed.heldBlobs(seederData)).containsAll(blobs);
    }
    assertThat(bed.work().resolve("seeder.log")).content().doesNotContain("harbor-robot-token");
  }

  @Test
  void aPreheatOfAMissingTagFailsSayingWhy() throws Exception {
    HttpResponse<String> created = create(createJobBody("no-such-tag"), Mode.OAUTH.header(token));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);

    JsonNode failed =
        awaitFinished(JSON.readTree(created.body()).get("id").asLong(), Mode.OAUTH.header(token));

    assertThat(failed.get("state").asText()).isEqualTo("FAILURE");
    assertThat(failed.at("/result/job_states/0/error").asText())
        .contains(REPO)
        .contains("no-such-tag");
  }

  @Test
  void aJobForARegistryThatIsNoUpstreamIsRefusedNamingTheConfiguredOnes() throws Exception {
    String body = createJobBody("1").replace(origin.baseUri().toString(), "https://harbor.test");

    HttpResponse<String> refused = create(body, Mode.OAUTH.header(token));

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("harbor.test").contains(origin.hostPort());
  }

  @Test
  void aWrongTokenIsRefusedInEveryModeWithoutEchoingIt() throws Exception {
    String wrong = "wrong-token-0123456789abcdef";
    for (Mode mode : Mode.values()) {
      HttpResponse<String> refused = create(createJobBody("1"), mode.header(wrong));
      assertThat(refused.statusCode()).as(mode.name()).isEqualTo(401);
      assertThat(refused.body())
          .contains("seeder.preheat-api-token-file")
          .doesNotContain(wrong)
          .doesNotContain("harbor-robot-token");
    }
  }

  @Test
  void anUnknownJobIsNotFound() throws Exception {
    HttpResponse<String> unknown = get("/oapi/v1/jobs/999999", Mode.OAUTH.header(token));

    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("no preheat job 999999");
  }
}
