package io.layerswarm.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testbed.Blob;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.TestbedDirs;
import io.layerswarm.testbed.TricklingProxy;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * An origin that answers at once and then trickles the blob's body (nginx's {@code limit_rate}, 1
 * KiB/s, in front of docker-registry): the agent gives up on it within its deadline ({@code
 * agent.origin-timeout} 2 s, twice that at most), ends the client's response short, keeps nothing,
 * and goes on serving.
 */
class TricklingOriginIT {
  private static final Duration ORIGIN_TIMEOUT = Duration.ofSeconds(2);

  /** What a client waits at most for the agent to end the response; the trickle takes an hour. */
  private static final Duration CLIENT_PATIENCE = Duration.ofSeconds(30);

  @Test
  void anOriginThatTricklesItsBodyIsGivenUpWithinTheDeadline() throws Exception {
    Path work = TestbedDirs.create("trickling-origin");
    try (FaultCluster cluster = FaultCluster.start(work)) {
      Image image = cluster.push("library/app", 1, 4L << 20, 17);
      Blob layer = image.blobs().stream().max(Comparator.comparingLong(Blob::size)).orElseThrow();
      TricklingProxy origin =
          cluster.bed.track(
              TricklingProxy.start(work.resolve("nginx"), cluster.origin.baseUri(), 1024));
      int port = FreePorts.pick();
      Path data = work.resolve("agent");
      DaemonProcess agent =
          cluster.bed.track(
              cluster
                  .agent(
                      "agent",
                      port,
                      data,
                      origin.baseUri().toString(),
                      "--set",
                      "agent.origin-timeout=" + ORIGIN_TIMEOUT.toSeconds() + "s")
                  .start());
      URI blob = URI.create("http://127.0.0.1:" + port + "/v2/library/app/blobs/" + layer.digest());

      long start = System.nanoTime();
      CompletableFuture<Outcome> fetch = CompletableFuture.supplyAsync(() -> get(blob));
      Outcome outcome;
      try {
        outcome = fetch.get(CLIENT_PATIENCE.toSeconds(), TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError(
            "the agent still streamed the trickle after "
                + CLIENT_PATIENCE
                + "; its log:\n"
                + agent.outputTail(20));
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(outcome.bytes()).as("the response ends short").isLessThan(layer.size());
      assertThat(took).isLessThan(ORIGIN_TIMEOUT.multipliedBy(2).plusSeconds(8));
      agent.awaitOutput(
          Pattern.compile("gave up after .*agent.origin-timeout, agent.origin-min-rate"),
          Duration.ofSeconds(10));
      assertThat(FaultCluster.filesUnder(data.resolve("partial"))).isZero();
      assertThat(FaultCluster.filesUnder(data.resolve("blobs"))).isZero();
      HttpResponse<Void> base =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
      assertThat(base.statusCode()).as("the agent goes on serving").isEqualTo(200);
      System.out.printf(
          "FAULT trickling-origin: origin sends a %d KiB layer at 1 KiB/s; agent.origin-timeout=%s"
              + " (min 16 KiB/s); the client's response (HTTP %d) ended after %.1f s with %d of %d"
              + " bytes; nothing stored; the agent serves on%n",
          layer.size() >> 10,
          ORIGIN_TIMEOUT,
          outcome.status(),
          took.toMillis() / 1000.0,
          outcome.bytes(),
          layer.size());
    }
  }

  /** A response's status and how many body bytes arrived before it ended. */
  private record Outcome(int status, long bytes) {}

  private static Outcome get(URI uri) {
    try {
      HttpResponse<InputStream> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
                  HttpResponse.BodyHandlers.ofInputStream());
      long bytes = 0;
      byte[] buffer = new byte[8192];
      try (InputStream body = response.body()) {
        for (int n; (n = body.read(buffer)) > 0; ) {
          bytes += n;
        }
      } catch (IOException e) {
        // The agent cut the response: what a client sees of a failed stream.
      }
      return new Outcome(response.statusCode(), bytes);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
