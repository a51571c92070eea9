package io.layerswarm.it.clients;

import static io.layerswarm.it.clients.ClientTestbed.PULL_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testbed.AccessLog;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.HtpasswdRegistry;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.ManifestFormat;
import io.layerswarm.testbed.RuntimeDirs;
import io.layerswarm.testbed.SecretFiles;
import io.layerswarm.testbed.Skopeo;
import io.layerswarm.testbed.TestbedDirs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A private upstream: docker-registry with htpasswd (basic) auth. The agent and the seeder log in
 * with {@code upstreams[].username/password} from the YAML config; the client (skopeo) sends no
 * credentials to the agent. With the right password the pull goes through the swarm; with a wrong
 * one the client gets 401 UNAUTHORIZED from the agent and nothing is stored.
 */
class AuthUpstreamClientIT {
  private static final String USER = "ci";
  private static final String REPOSITORY = "private/app";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static Path work;
  private static HtpasswdRegistry registry;
  private static Image image;
  private static DaemonProcess allInOne;
  private static int[] ports;
  private static Path sockets;
  private static Path clusterSecret;

  @BeforeAll
  static void start() throws Exception {
    work = TestbedDirs.create("clients-auth");
    sockets = ClientTestbed.socketDir();
    // The lone agents below join the all-in-one's swarm only with its cluster secret; without it
    // the tracker refuses them and the swarm check would prove nothing.
    clusterSecret = SecretFiles.clusterSecret(work.resolve("cluster.secret"));
    byte[] secret = new byte[12];
    new SecureRandom().nextBytes(secret);
    registry =
        HtpasswdRegistry.start(work.resolve("private"), USER, HexFormat.of().formatHex(secret));
    image = ClientTestbed.runnableImage(ManifestFormat.OCI, work);
    registry.pusher().push(image, REPOSITORY, "1");
    ports = FreePorts.pick(3); // agent, tracker, seeder
    allInOne =
        ClientTestbed.allInOne(
            "all-in-one-good",
            work,
            config("good", registry.password()),
            ports,
            work.resolve("good"),
            sockets.resolve("good.sock"));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (allInOne != null) {
        allInOne.close();
      }
    } finally {
      try {
        if (registry != null) {
          registry.close();
        }
      } finally {
        RuntimeDirs.deleteUnlessMounted(sockets);
        if (image != null) {
          image.close();
        }
      }
    }
  }

  private static Path config(String name, String password) throws Exception {
    Path file = work.resolve(name + ".yaml");
    Files.writeString(
        file,
        "cluster:\n  secret-file: '"
            + clusterSecret
            + "'\n"
            + "upstreams:\n"
            + "  - url: "
            + registry.baseUri()
            + "\n"
            + "    username: '"
            + USER
            + "'\n"
            + "    password: '"
            + password
            + "'\n");
    return file;
  }

  @Test
  void withTheRightCredentialsTheAgentAndSeederLogInAndTheBlobsComeThroughTheSwarm()
      throws Exception {
    Path layout = work.resolve("pulled-good");
    long started = System.nanoTime();
    Skopeo.Result copy =
        new Skopeo()
            .copyToOci("127.0.0.1:" + ports[0], REPOSITORY, "1", layout, "pulled", PULL_TIMEOUT);
    ClientTestbed.timing(
        "skopeo",
        "copy private/app:1 via agent with upstream credentials",
        (System.nanoTime() - started) / 1e9);
    assertThat(copy.ok())
        .as("skopeo: %s\nlog %s:\n%s", copy.output(), allInOne.logFile(), allInOne.outputTail(30))
        .isTrue();
    ClientTestbed.OciLayout pulled = ClientTestbed.readOciLayout(layout);
    assertThat(pulled.manifestDigest()).isEqualTo(image.manifestDigest());
    List<String> expected = image.blobs().stream().map(b -> b.digest()).toList();
    assertThat(pulled.blobDigests()).containsAll(expected);

    // Every route of this registry needs the password, so each 200 below was an authenticated
    // request
    // (distribution 2.8 leaves the user field of its access log empty).
    AccessLog log = registry.accessLog();
    assertThat(log.blobDownloads())
        .as("blob GETs at the private origin, log %s", registry.logFile())
        .allSatisfy(e -> assertThat(e.userAgent()).startsWith("layerswarm-seeder/"));
    assertThat(log.blobGetsByDigest().keySet()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(log.blobGetsByDigest().values()).containsOnly(1L);
    assertThat(log.filter(e -> e.isManifestGet() && e.isSuccess()).entries())
        .as("manifest GETs at the private origin")
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.userAgent()).startsWith("layerswarm-agent/"));
  }

  @Test
  void withAWrongPasswordTheClientGets401UnauthorizedFromTheAgentAndNothingIsStored()
      throws Exception {
    // No tracker: a blob request falls back to the origin at once and meets the 401 there too.
    withWrongPasswordAgent(
        "bad",
        "http://127.0.0.1:" + FreePorts.pick(),
        (port, data) -> {
          Skopeo.Result copy =
              new Skopeo()
                  .copyToOci(
                      "127.0.0.1:" + port,
                      REPOSITORY,
                      "1",
                      work.resolve("pulled-bad"),
                      "pulled",
                      PULL_TIMEOUT);
          assertThat(copy.ok()).as(copy.output()).isFalse();
          assertThat(copy.output().toLowerCase()).contains("unauthorized");

          String base = "http://127.0.0.1:" + port + "/v2/" + REPOSITORY;
          assertUnauthorized(URI.create(base + "/manifests/1"));
          assertUnauthorized(URI.create(base + "/manifests/" + image.manifestDigest()));
          assertUnauthorized(URI.create(base + "/blobs/" + image.layers().get(1).digest()));
          assertThat(ClientTestbed.storedBlobFiles(data)).as("files the agent stored").isEmpty();
        });
    assertThat(registry.accessLog().blobDownloads())
        .as("blobs the origin sent to anyone but the seeder")
        .allSatisfy(e -> assertThat(e.userAgent()).startsWith("layerswarm-seeder/"));
  }

  /**
   * Agent bug (found by this suite): an agent that cannot log in to the upstream still gets the
   * private blobs from the swarm, for any repository name, because neither the agent nor the
   * tracker/seeder checks that the asking agent may read the blob; the seeder fetches it with its
   * own credentials. Observed: manifest 401, but {@code GET /v2/private/app/blobs/<layer>} (and
   * {@code /v2/whatever/x/blobs/<layer>}) 200 with the full, verified layer. Enable once the agent
   * checks access upstream before serving a blob from the swarm (for example a HEAD of the blob at
   * the upstream with its own credentials, whose 401/403/404 it passes on).
   */
  @Test
  void anAgentWithAWrongPasswordGetsNoPrivateBlobFromTheSwarmEither() throws Exception {
    withWrongPasswordAgent(
        "bad-swarm",
        "http://127.0.0.1:" + ports[1],
        (port, data) -> {
          String layer = image.layers().get(1).digest();
          assertUnauthorized(
              URI.create("http://127.0.0.1:" + port + "/v2/" + REPOSITORY + "/blobs/" + layer));
          assertUnauthorized(
              URI.create("http://127.0.0.1:" + port + "/v2/whatever/x/blobs/" + layer));
          assertThat(ClientTestbed.storedBlobFiles(data)).as("files the agent stored").isEmpty();
        });
  }

  private interface AgentCheck {
    void run(int port, Path data) throws Exception;
  }

  private static void withWrongPasswordAgent(String name, String tracker, AgentCheck check)
      throws Exception {
    int port = FreePorts.pick();
    Path data = work.resolve(name);
    try (DaemonProcess agent =
        ClientTestbed.loneAgent(
            name,
            work,
            config(name, "not-" + registry.password()),
            port,
            tracker,
            sockets.resolve(name + ".sock"),
            data)) {
      check.run(port, data);
    }
  }

  private static void assertUnauthorized(URI uri) throws Exception {
    HttpResponse<byte[]> r =
        HTTP.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    String contentType = r.headers().firstValue("content-type").orElse("");
    String body =
        contentType.contains("json")
            ? new String(r.body(), StandardCharsets.UTF_8)
            : r.body().length + " bytes of " + contentType;
    assertThat(r.statusCode()).as("GET %s: %s", uri, body).isEqualTo(401);
    assertThat(body).as("GET %s", uri).contains("\"code\":\"UNAUTHORIZED\"");
  }
}
