package io.layerswarm.agent.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.layerswarm.agent.pins.PinSource;
import io.layerswarm.core.Digest;
import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.core.topology.Location;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.image.ImageReference;
import io.layerswarm.registry.image.MediaTypes;
import io.layerswarm.testing.Await;
import io.layerswarm.testing.ManualClock;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The agent's poller against fake trackers (JDK HTTP servers that record each poll and answer what
 * the test says) and an in-memory image source; the test calls {@link FleetPoller#tick} with its
 * own times.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FleetPollerTest {
  private static final String JOB = "0123456789abcdef";
  private static final Duration EVERY = Duration.ofSeconds(15);
  private static final byte[] NOTHING = Bencode.encode(Map.of());
  private static final byte[] ORDER =
      Bencode.encode(Map.of("job", Map.of("id", JOB, "image", "team/app:1")));

  private final ManualClock clock = new ManualClock();
  private final List<FakeTracker> trackers = new CopyOnWriteArrayList<>();
  private final Images images = new Images();
  private FleetPoller poller;

  /** A tracker's /fleet: records each query, answers {@link #status} and {@link #body}. */
  private static final class FakeTracker {
    final HttpServer server;
    final List<String> queries = new CopyOnWriteArrayList<>();
    volatile int status = 200;
    volatile byte[] body = NOTHING;

    FakeTracker() throws Exception {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/fleet",
          exchange -> {
            queries.add(exchange.getRequestURI().getRawQuery());
            byte[] answer = body;
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
          });
      server.start();
    }

    URI base() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    String last() {
      return queries.get(queries.size() - 1);
    }
  }

  /** One image of a config and a layer; fetches wait for {@link #release}. */
  private static final class Images implements PinSource {
    final Set<Digest> local = ConcurrentHashMap.newKeySet();
    final CompletableFuture<Void> release = new CompletableFuture<>();
    final Manifest manifest;

    Images() {
      String json =
          "{\"schemaVersion\":2,\"mediaType\":\""
              + MediaTypes.OCI_MANIFEST
              + "\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
              + "\"digest\":\""
              + Digest.sha256("config".getBytes(StandardCharsets.UTF_8))
              + "\",\"size\":100},\"layers\":[{\"mediaType\":"
              + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
              + Digest.sha256("layer".getBytes(StandardCharsets.UTF_8))
              + "\",\"size\":900}]}";
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      manifest = new Manifest(bytes, MediaTypes.OCI_MANIFEST, Digest.sha256(bytes));
    }

    @Override
    public CompletableFuture<Manifest> manifest(ImageReference image, String reference) {
      return CompletableFuture.completedFuture(manifest);
    }

    @Override
    public boolean isLocal(Digest digest) {
      return local.contains(digest);
    }

    @Override
    public CompletableFuture<Void> cache(ImageReference image, Digest digest) {
      return release.thenRun(() -> local.add(digest));
    }
  }

  private FleetPoller poller(FakeTracker... list) {
    trackers.addAll(List.of(list));
    poller =
        new FleetPoller(
            trackers.stream().map(FakeTracker::base).toList(),
            EVERY,
            6881,
            Location.of("eu-1", null),
            HttpAuth.open(),
            images,
            clock,
            "test");
    return poller;
  }

  @AfterEach
  void stop() {
    if (poller != null) {
      poller.close();
    }
    trackers.forEach(t -> t.server.stop(0));
  }

  @Test
  void anIdleAgentPollsEveryTrackerOncePerInterval() throws Exception {
    FakeTracker a = new FakeTracker();
    FakeTracker b = new FakeTracker();
    FleetPoller p = poller(a, b);

    p.tick(clock.instant());
    clock.advance(EVERY.minusSeconds(1));
    p.tick(clock.instant());

    assertThat(a.queries).containsExactly("port=6881&interval=15&zone=eu-1");
    assertThat(b.queries).hasSize(1);
    clock.advance(Duration.ofSeconds(1));
    p.tick(clock.instant());
    assertThat(a.queries).hasSize(2);
  }

  @Test
  void aJobFromTheSecondTrackerIsFetchedAndReportedThereUntilDone() throws Exception {
    FakeTracker a = new FakeTracker();
    FakeTracker b = new FakeTracker();
    b.body = ORDER;
    FleetPoller p = poller(a, b);

    p.tick(clock.instant());
    assertThat(p.runningJob()).contains(JOB);
    clock.advance(FleetPoller.REPORT_EVERY);
    p.tick(clock.instant());
    assertThat(b.last()).contains("&job=" + JOB + "&state=running");

    images.release.complete(null);
    Await.until("the fetch ended", p::fetchEnded);
    b.body = NOTHING;
    clock.advance(FleetPoller.REPORT_EVERY);
    p.tick(clock.instant());

    assertThat(b.last())
        .isEqualTo(
            "port=6881&interval=15&zone=eu-1&job="
                + JOB
                + "&state=done&blobs=2&of=2&bytes=1000&total=1000");
    assertThat(a.queries).hasSize(1);
    assertThat(p.runningJob()).isEmpty();
  }

  @Test
  void aTrackerThatTakesTheJobBackFreesTheAgent() throws Exception {
    FakeTracker a = new FakeTracker();
    a.body = ORDER;
    FleetPoller p = poller(a);
    p.tick(clock.instant());

    a.body = NOTHING;
    clock.advance(FleetPoller.REPORT_EVERY);
    p.tick(clock.instant());

    assertThat(p.runningJob()).isEmpty();
  }

  @Test
  void aRefusingTrackerHandsNothingAndTheNextPollWaitsForTheInterval() throws Exception {
    FakeTracker a = new FakeTracker();
    a.status = 401;
    a.body = Bencode.encode(Map.of("failure reason", "bad signature"));
    FleetPoller p = poller(a);

    p.tick(clock.instant());
    clock.advance(FleetPoller.TICK);
    p.tick(clock.instant());

    assertThat(p.runningJob()).isEmpty();
    assertThat(a.queries).hasSize(1);
  }

  @Test
  void aTrackerSilentForTheGiveUpTimeLosesTheReport() throws Exception {
    FakeTracker a = new FakeTracker();
    a.body = ORDER;
    FleetPoller p = poller(a);
    p.tick(clock.instant());
    a.status = 503;

    clock.advance(FleetPoller.GIVE_UP);
    p.tick(clock.instant());
    assertThat(p.runningJob()).contains(JOB);
    clock.advance(FleetPoller.REPORT_EVERY);
    p.tick(clock.instant());

    assertThat(p.runningJob()).isEmpty();
  }
}
