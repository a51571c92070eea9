package io.layerswarm.agent.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
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
  private final HttpClient client = HttpClient.newHttpClient();

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

    Metainfo found =
        source(missing, garbage, good).fetch("docker.io", REPO, DIGEST).get(10, TimeUnit.SECONDS);

    assertThat(found.infoHash()).isEqualTo(expected.infoHash());
    assertThat(seen).hasSize(3);
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
}
