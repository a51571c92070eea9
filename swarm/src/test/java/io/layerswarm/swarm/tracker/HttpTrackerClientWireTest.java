package io.layerswarm.swarm.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.layerswarm.core.auth.ClusterSecret;
import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.auth.HttpSignature;
import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.PeerId;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The announce client against a real HTTP server on loopback. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpTrackerClientWireTest {
  private static final AnnounceRequest REQUEST =
      new AnnounceRequest(
          InfoHash.fromHex("123456789abcdef123456789abcdef123456789a"),
          PeerId.random(),
          6881,
          0,
          0,
          100,
          AnnounceEvent.STARTED,
          50,
          Optional.empty(),
          Optional.empty(),
          Map.of());

  private EventLoopGroup group;
  private HttpServer server;
  private HttpTrackerClient client;
  private final List<String> requests = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.start();
    client =
        new HttpTrackerClient(group, NioSocketChannel.class, Duration.ofSeconds(2), "test-agent/1");
  }

  @AfterEach
  void stop() {
    server.stop(0);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  private URI serve(String path, int status, byte[] body) {
    server.createContext(
        path,
        exchange -> {
          requests.add(
              exchange.getRequestURI().getRawQuery()
                  + " UA="
                  + exchange.getRequestHeaders().getFirst("User-Agent")
                  + " Host="
                  + exchange.getRequestHeaders().getFirst("Host"));
          exchange.sendResponseHeaders(status, body.length == 0 ? -1 : 0); // 0: chunked
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  @Test
  void anAnnounceSendsTheQueryAndParsesTheAnswer() throws Exception {
    byte[] peers = HexFormat.of().parseHex("7f0000011ae1");
    URI tracker = serve("/announce", 200, Bencode.encode(Map.of("interval", 30L, "peers", peers)));

    AnnounceResponse response = client.announce(tracker, REQUEST).get(5, TimeUnit.SECONDS);

    assertThat(response.peers()).containsExactly(new InetSocketAddress("127.0.0.1", 6881));
    assertThat(response.interval()).contains(Duration.ofSeconds(30));
    assertThat(requests).hasSize(1);
    assertThat(requests.get(0))
        .contains("info_hash=%124Vx%9A")
        .contains("event=started")
        .contains("UA=test-agent/1")
        .contains("Host=127.0.0.1:" + server.getAddress().getPort());
  }

  @Test
  void aNameIsLookedUpOffTheEventLoop() throws Exception {
    serve("/announce", 200, Bencode.encode(Map.of("interval", 30L, "peers", new byte[0])));
    URI tracker = URI.create("http://localhost:" + server.getAddress().getPort() + "/announce");

    assertThat(client.announce(tracker, REQUEST).get(5, TimeUnit.SECONDS).peers()).isEmpty();
  }

  @Test
  void aStatusOtherThan200AndAFailureReasonAreTrackerExceptions() {
    URI broken = serve("/broken", 500, new byte[0]);
    URI refusing = serve("/refusing", 200, Bencode.encode(Map.of("failure reason", "no")));

    assertThatThrownBy(() -> client.announce(broken, REQUEST).get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(TrackerException.class)
        .hasMessageContaining("HTTP 500");
    assertThatThrownBy(() -> client.announce(refusing, REQUEST).get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(TrackerException.class)
        .hasMessageContaining("refused: no");
  }

  @Test
  void aTrackerThatSaysItCannotServeIsUnusableAndOneThatRefusesUsIsNot() throws Exception {
    URI noStore =
        serve(
            "/no-store",
            200,
            Bencode.encode(Map.of("failure reason", AnnounceCodec.STORE_UNAVAILABLE)));
    URI overloaded = serve("/overloaded", 503, new byte[0]);
    URI forbidding = serve("/forbidding", 401, Bencode.encode(Map.of("failure reason", "no")));
    URI refusing = serve("/refusing", 200, Bencode.encode(Map.of("failure reason", "full")));
    URI down;
    try (ServerSocket s = new ServerSocket(0)) {
      down = URI.create("http://127.0.0.1:" + s.getLocalPort() + "/announce");
    }

    assertThat(failure(noStore).trackerUnusable()).isTrue();
    assertThat(failure(noStore)).hasMessageContaining("peer store unavailable");
    assertThat(failure(overloaded).trackerUnusable()).isTrue();
    assertThat(failure(down).trackerUnusable()).as("connection refused").isTrue();
    assertThat(failure(forbidding).trackerUnusable()).isFalse();
    assertThat(failure(refusing).trackerUnusable()).isFalse();
  }

  private TrackerException failure(URI tracker) throws InterruptedException {
    try {
      client.announce(tracker, REQUEST).get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return (TrackerException) e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer from " + tracker, e);
    }
    throw new AssertionError("the announce to " + tracker + " succeeded");
  }

  @Test
  void aResponseOverTheLimitIsRefused() {
    URI huge = serve("/huge", 200, new byte[HttpTrackerClient.MAX_RESPONSE_BYTES + 1]);

    assertThatThrownBy(() -> client.announce(huge, REQUEST).get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(TrackerException.class)
        .hasMessageContaining("exceeds");
  }

  @Test
  void aTrackerThatNeverAnswersTimesOutAndOneThatIsDownFailsAtOnce() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Thread accept =
          new Thread(
              () -> {
                try (Socket s = silent.accept()) {
                  s.getInputStream().readAllBytes(); // Reads the request, never answers.
                } catch (IOException e) {
                  // Closed by the test.
                }
              });
      accept.setDaemon(true);
      accept.start();
      URI mute = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/announce");
      long start = System.nanoTime();

      assertThatThrownBy(() -> client.announce(mute, REQUEST).join())
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(TrackerException.class)
          .satisfies(
              e ->
                  assertThat(((TrackerException) e.getCause()).trackerUnusable())
                      .as("a timeout may be a slow tracker, not a down one")
                      .isFalse());
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isBetween(Duration.ofMillis(1500), Duration.ofSeconds(10));
    }
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    URI down = URI.create("http://127.0.0.1:" + closedPort + "/announce");
    assertThatThrownBy(() -> client.announce(down, REQUEST).get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(TrackerException.class)
        .hasMessageContaining("failed");
  }

  @Test
  void aMemberSignsEachAnnounceOverTheTargetTheTrackerReceives() throws Exception {
    ClusterSecret secret = ClusterSecret.random();
    HttpSignature signature = HttpSignature.of(secret);
    List<HttpSignature.Check> checks = new CopyOnWriteArrayList<>();
    server.createContext(
        "/announce",
        exchange -> {
          checks.add(
              signature.verify(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getRawPath()
                      + "?"
                      + exchange.getRequestURI().getRawQuery(),
                  exchange.getRequestHeaders().getFirst(HttpSignature.HEADER),
                  Instant.now()));
          byte[] body = Bencode.encode(Map.of("interval", 30L, "peers", new byte[0]));
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    HttpTrackerClient member =
        new HttpTrackerClient(
            group,
            NioSocketChannel.class,
            Duration.ofSeconds(10),
            "test-agent/1",
            HttpAuth.of(Optional.of(secret), InstantSource.system()));
    HttpTrackerClient open =
        new HttpTrackerClient(
            group, NioSocketChannel.class, Duration.ofSeconds(10), "test-agent/1");
    URI tracker = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/announce");

    member.announce(tracker, REQUEST).get(15, TimeUnit.SECONDS);
    open.announce(tracker, REQUEST).get(15, TimeUnit.SECONDS);

    assertThat(checks).hasSize(2);
    assertThat(checks.get(0).valid()).isTrue();
    assertThat(checks.get(1).valid()).as("the open-mode client signs nothing").isFalse();
  }

  @Test
  void aRefusalCarriesTheTrackersReasonAndNeverTheUrlsQueryOrUserInfo() {
    serve("/announce", 401, Bencode.encode(Map.of("failure reason", "set cluster.secret-file")));
    URI tracker =
        URI.create(
            "http://user:hunter2@127.0.0.1:"
                + server.getAddress().getPort()
                + "/announce?key=s3cret");

    assertThatThrownBy(() -> client.announce(tracker, REQUEST).get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(TrackerException.class)
        .hasMessageContaining("HTTP 401: set cluster.secret-file")
        .hasMessageNotContaining("hunter2")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void anUnsupportedSchemeFails() {
    assertThatThrownBy(
            () ->
                client
                    .announce(URI.create("udp://127.0.0.1:1/announce"), REQUEST)
                    .get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(TrackerException.class);
  }
}
