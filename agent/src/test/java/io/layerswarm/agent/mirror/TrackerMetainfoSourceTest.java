package io.layerswarm.agent.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.MetainfoAnswer;
import io.layerswarm.registry.RepositoryName;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrackerMetainfoSourceTest {
  private static final RepositoryName REPO = new RepositoryName("library/app");
  private static final byte[] CONTENT = "layer".getBytes(StandardCharsets.UTF_8);
  private static final Digest DIGEST = Digest.sha256(CONTENT);

  @TempDir Path dir;
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private final HttpClient client = TrackerMetainfoSource.httpClient(Duration.ofSeconds(5));

  @BeforeEach
  void noServersYet() {
    servers.clear();
  }

  @AfterEach
  void stopServers() {
    servers.forEach(server -> server.stop(0));
  }

  /** A tracker that answers every metainfo request with {@code status} and {@code body}. */
  private URI tracker(int status, byte[] body) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          seen.add(
              server.getAddress().getPort()
                  + " "
                  + exchange.getRequestURI().getRawPath()
                  + "?"
                  + exchange.getRequestURI().getRawQuery());
          exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    servers.add(server);
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** A tracker that sends {@code total} bytes of body without a Content-Length (chunked). */
  private URI chunkedTracker(long total, AtomicLong sent) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, 0);
          byte[] chunk = new byte[64 * 1024];
          try (var body = exchange.getResponseBody()) {
            for (long left = total; left > 0; left -= chunk.length) {
              body.write(chunk, 0, (int) Math.min(chunk.length, left));
              sent.addAndGet(Math.min(chunk.length, left));
            }
          } catch (IOException e) {
            // The agent hung up: what this test wants.
          }
          exchange.close();
        });
    server.start();
    servers.add(server);
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** A tracker that redirects every request to {@code target}. */
  private URI redirectingTracker(URI target) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          URI request = exchange.getRequestURI();
          exchange
              .getResponseHeaders()
              .add(
                  "Location",
                  target.resolve(request.getRawPath() + "?" + request.getRawQuery()).toString());
          exchange.sendResponseHeaders(302, -1);
          exchange.close();
        });
    server.start();
    servers.add(server);
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  private Metainfo metainfo() throws IOException {
    Path file = Files.write(dir.resolve("blob"), CONTENT);
    return Metainfo.create(file, DIGEST.hex(), List.of(URI.create("http://x/announce")), 16384);
  }

  private TrackerMetainfoSource source(URI... trackers) {
    return new TrackerMetainfoSource(client, List.of(trackers), Duration.ofSeconds(10), "test");
  }

  @Test
  void theRequestNamesTheDigestRegistryAndRepositoryUrlEncoded() {
    URI uri =
        TrackerMetainfoSource.metainfoUri(
            URI.create("http://t:6969/"), "127.0.0.1:5000", REPO, DIGEST);

    assertThat(uri.toString())
        .isEqualTo(
            "http://t:6969/metainfo/" + DIGEST + "?registry=127.0.0.1%3A5000&repo=library%2Fapp");
  }

  @Test
  void trackersAreTriedInOrderUntilOneHasTheMetainfo() throws Exception {
    Metainfo expected = metainfo();
    URI missing = tracker(404, new byte[0]);
    URI garbage = tracker(200, "not bencode".getBytes(StandardCharsets.UTF_8));
    URI good = tracker(200, expected.encode());

    MetainfoAnswer found =
        source(missing, garbage, good).fetch("docker.io", REPO, DIGEST).get(10, TimeUnit.SECONDS);

    assertThat(found.metainfo().infoHash()).isEqualTo(expected.infoHash());
    assertThat(found.inline()).isEmpty();
    assertThat(seen).hasSize(3);
  }

  @Test
  void aTinyBlobInlinedByTheSeederComesWithItsMetainfo() throws Exception {
    URI tracker = tracker(200, MetainfoAnswer.encode(metainfo(), CONTENT));

    MetainfoAnswer found =
        source(tracker).fetch("docker.io", REPO, DIGEST).get(10, TimeUnit.SECONDS);

    assertThat(found.inline()).hasValue(CONTENT);
    assertThat(found.inlineProblem(DIGEST)).isEmpty();
  }

  @Test
  void whenNoTrackerHasItTheFailureListsEveryAnswer() throws Exception {
    URI missing = tracker(404, new byte[0]);
    URI broken = tracker(500, new byte[0]);

    assertThatThrownBy(
            () ->
                source(missing, broken).fetch("docker.io", REPO, DIGEST).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(MetainfoUnavailableException.class)
        .hasMessageContaining("HTTP 404")
        .hasMessageContaining("HTTP 500")
        .hasMessageContaining(DIGEST.toString());
  }

  @Test
  void aBodyDeclaringMoreThanTheLimitIsRefusedWithoutReadingIt() throws Exception {
    URI huge = tracker(200, new byte[TrackerMetainfoSource.MAX_METAINFO_BYTES + 1]);

    assertThatThrownBy(
            () -> source(huge).fetch("docker.io", REPO, DIGEST).get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(MetainfoUnavailableException.class)
        .hasMessageContaining("metainfo too large")
        .hasMessageContaining("declares " + (TrackerMetainfoSource.MAX_METAINFO_BYTES + 1));
  }

  @Test
  void aChunkedBodyIsCutOffOnceItPassesTheLimit() throws Exception {
    AtomicLong sent = new AtomicLong();
    URI endless = chunkedTracker(64L * TrackerMetainfoSource.MAX_METAINFO_BYTES, sent);

    assertThatThrownBy(
            () -> source(endless).fetch("docker.io", REPO, DIGEST).get(30, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(MetainfoUnavailableException.class)
        .hasMessageContaining("metainfo too large");
    // Socket buffers let the tracker write somewhat past the limit, never the whole body.
    assertThat(sent.get()).isLessThan(16L * TrackerMetainfoSource.MAX_METAINFO_BYTES);
  }

  @Test
  void aRedirectFromATrackerIsNotFollowed() throws Exception {
    Metainfo expected = metainfo();
    URI elsewhere = tracker(200, expected.encode());
    seen.clear();
    URI redirecting = redirectingTracker(elsewhere);

    assertThatThrownBy(
            () -> source(redirecting).fetch("docker.io", REPO, DIGEST).get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(MetainfoUnavailableException.class)
        .hasMessageContaining("HTTP 302");
    assertThat(seen).as("requests that reached the redirect target").isEmpty();
  }
}
