package io.layerswarm.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.cli.admin.ServiceCommandsTest.Run;
import io.layerswarm.testing.Await;
import io.layerswarm.tracker.TrackerConfig;
import io.layerswarm.tracker.TrackerServer;
import io.layerswarm.tracker.metainfo.MetainfoUnavailableException;
import io.layerswarm.tracker.peerstore.InMemoryPeerStore;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code layerswarm preheat --agents} against a real tracker, with this test as the agent: it polls
 * {@code /fleet} as an agent does, is handed the job and reports.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FleetPreheatCommandTest {
  private static final Pattern JOB_ID = Pattern.compile("2:id16:([0-9a-f]{16})");
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final InMemoryPeerStore store = new InMemoryPeerStore();
  private TrackerServer tracker;
  private String server;

  @BeforeEach
  void start() throws Exception {
    tracker =
        TrackerServer.start(
            TrackerConfig.defaults(new InetSocketAddress("127.0.0.1", 0))
                .withAdmin(new InetSocketAddress("127.0.0.1", 0), Optional.empty()),
            store,
            (d, registry, repo) -> {
              throw MetainfoUnavailableException.notFound("none");
            },
            java.time.InstantSource.system());
    server = "127.0.0.1:" + tracker.adminAddress().orElseThrow().getPort();
  }

  @AfterEach
  void stop() {
    tracker.close();
    store.close();
  }

  /** One agent poll; the answer's text (bencode is ASCII here). */
  private String poll(String extra) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + tracker.address().getPort()
                            + "/fleet?port=7001&interval=5&zone=a"
                            + extra))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.US_ASCII));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  /** Polls until the job is handed out (the command made it meanwhile); returns its id. */
  private String awaitJob() {
    String[] id = new String[1];
    Await.until(
        "the agent is handed the job",
        Duration.ofSeconds(20),
        () -> {
          try {
            Matcher m = JOB_ID.matcher(poll(""));
            if (m.find()) {
              id[0] = m.group(1);
              return true;
            }
            return false;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    return id[0];
  }

  @Test
  void anAgentThatReportsDoneEndsTheCommandWithItsProgressAndExitCode0() throws Exception {
    poll("");
    CompletableFuture<Run> run =
        CompletableFuture.supplyAsync(
            () ->
                ServiceCommandsTest.run(
                    "preheat",
                    "--agents",
                    "--server",
                    server,
                    "--progress",
                    "plain",
                    "--zone",
                    "a",
                    "team/app:1"));

    String job = awaitJob();
    // The tracker sends what changed every 500 ms: the agent's waiting and running states may
    // come and go between two of them, so only its last state is sure to show.
    poll("&job=" + job + "&state=running&blobs=1&of=2&bytes=100&total=300");
    poll("&job=" + job + "&state=done&blobs=2&of=2&bytes=300&total=300");
    Run done = run.get(30, TimeUnit.SECONDS);

    assertThat(done.exitCode()).as(done.err()).isZero();
    assertThat(done.out())
        .contains("127.0.0.1:7001 zone a done 2/2 blobs 300 B/300 B")
        .contains("total: 1 done, 0 running, 0 waiting, 0 failed; 300 B of 300 B local");
  }

  @Test
  void anAgentThatFailsMakesExit1NamingItAndItsReason() throws Exception {
    poll("");
    CompletableFuture<Run> run =
        CompletableFuture.supplyAsync(
            () ->
                ServiceCommandsTest.run(
                    "preheat", "--agents", "--server", server, "--json", "team/app:1"));

    String job = awaitJob();
    poll("&job=" + job + "&state=failed&error=resolving%3A+manifest+unknown");
    Run failed = run.get(30, TimeUnit.SECONDS);

    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(failed.err())
        .contains(
            "1 of 1 agent(s) did not finish: 127.0.0.1:7001 failed: resolving: manifest unknown");
    assertThat(failed.out()).contains("\"type\":\"summary\"").contains("\"failed\":1");
  }

  @Test
  void noMatchingAgentIsExit1WithTheTrackersReason() {
    Run run =
        ServiceCommandsTest.run("preheat", "--agents", "--server", server, "--zone", "b", "app:1");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("no agent known to this tracker matches zone b");
  }

  @Test
  void fleetOptionsAreCheckedBeforeAnyCall() {
    assertThat(ServiceCommandsTest.run("preheat", "--server", server, "--zone", "a", "app:1").err())
        .contains("--zone, --rack and --max-parallel go with --agents");
    assertThat(ServiceCommandsTest.run("preheat", "--agents", "--server", server, "a:1", "b:1"))
        .extracting(Run::exitCode)
        .isEqualTo(2);
    assertThat(
            ServiceCommandsTest.run(
                    "preheat", "--agents", "--server", server, "--max-parallel", "0", "a:1")
                .err())
        .contains("--max-parallel must be from 1 to 10000");
  }
}
