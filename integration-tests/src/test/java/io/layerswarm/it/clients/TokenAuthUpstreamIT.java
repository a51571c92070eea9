package io.layerswarm.it.clients;

import static io.layerswarm.it.clients.ClientTestbed.PULL_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testbed.AccessLog;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.Digests;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.ManifestFormat;
import io.layerswarm.testbed.OriginRegistry;
import io.layerswarm.testbed.RegistryPusher;
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
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A private upstream with real token auth: Debian's docker-registry with {@code auth: token},
 * trusting a small token server of the test bed ({@link TokenIssuer}, ES256 JWTs with scopes). User
 * {@code ci} may pull {@code team/a} and {@code team/b}; user {@code ci-a} only {@code team/a}. An
 * all-in-one logs in as {@code ci}; other agents join its tracker, so the swarm holds both images.
 */
class TokenAuthUpstreamIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static Path work;
  private static Path sockets;
  private static TokenIssuer issuer;
  private static OriginRegistry registry;
  private static Image imageA;
  private static Image imageB;
  private static DaemonProcess allInOne;
  private static int[] ports;
  private static String ciPassword;
  private static String ciAPassword;
  private static String clusterSection;

  @BeforeAll
  static void start() throws Exception {
    work = TestbedDirs.create("clients-token");
    sockets = ClientTestbed.socketDir();
    // Lone agents join the all-in-one's swarm only with its cluster secret.
    clusterSection =
        "cluster:\n  secret-file: '"
            + SecretFiles.clusterSecret(work.resolve("cluster.secret"))
            + "'\n";
    issuer = TokenIssuer.start(Files.createDirectories(work.resolve("issuer")));
    ciPassword = secret();
    ciAPassword = secret();
    issuer.addUser("ci", ciPassword, Map.of("team/a", Set.of("pull"), "team/b", Set.of("pull")));
    issuer.addUser("ci-a", ciAPassword, Map.of("team/a", Set.of("pull")));

    // Push to the same storage without auth first, then serve it with token auth only.
    imageA = ClientTestbed.runnableImage(ManifestFormat.OCI, work);
    imageB = ClientTestbed.runnableImage(ManifestFormat.DOCKER_V2, work);
    try (OriginRegistry plain = OriginRegistry.start(work.resolve("origin"))) {
      new RegistryPusher(plain.baseUri()).push(imageA, "team/a", "1");
      new RegistryPusher(plain.baseUri()).push(imageB, "team/b", "1");
    }
    registry =
        OriginRegistry.builder(work.resolve("origin")).auth(issuer.registryAuthSection()).start();

    ports = FreePorts.pick(3); // agent, tracker, seeder
    allInOne =
        ClientTestbed.allInOne(
            "all-in-one-ci",
            work,
            passwordConfig("ci", "ci", ciPassword),
            ports,
            work.resolve("ci"),
            sockets.resolve("ci.sock"));
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {allInOne, registry, issuer, imageA, imageB}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        System.err.println("closing " + c + ": " + e);
      }
    }
    RuntimeDirs.deleteUnlessMounted(sockets);
  }

  @Test
  void withTheRightCredentialsTheAgentGetsTokensAndTheBlobsComeThroughTheSwarm() throws Exception {
    int issuedBefore = issuer.issued();
    Path layout = work.resolve("pulled-a");
    Skopeo.Result copy =
        new Skopeo()
            .copyToOci("127.0.0.1:" + ports[0], "team/a", "1", layout, "pulled", PULL_TIMEOUT);
    assertThat(copy.ok())
        .as("skopeo: %s\nlog %s:\n%s", copy.output(), allInOne.logFile(), allInOne.outputTail(30))
        .isTrue();
    ClientTestbed.OciLayout pulled = ClientTestbed.readOciLayout(layout);
    assertThat(pulled.manifestDigest()).isEqualTo(imageA.manifestDigest());
    assertThat(pulled.blobDigests())
        .containsAll(imageA.blobs().stream().map(b -> b.digest()).toList());
    assertThat(issuer.issued()).as("tokens the issuer handed out").isGreaterThan(issuedBefore);

    AccessLog log = registry.accessLog();
    assertThat(log.blobDownloads())
        .as("blob GETs at the token registry, log %s", registry.logFile())
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.userAgent()).startsWith("layerswarm-seeder/"));
    assertThat(log.blobDownloads()).allSatisfy(e -> assertThat(e.isSuccess()).isTrue());
  }

  @Test
  void withAWrongPasswordTheClientGets401WithAChallengeAndNothingIsStored() throws Exception {
    int refusedBefore = issuer.refused();
    withAgent(
        "wrong",
        passwordConfig("wrong", "ci", "not-" + ciPassword),
        (port, data) -> {
          String base = "http://127.0.0.1:" + port + "/v2/team/a";
          assertRefused(URI.create(base + "/manifests/1"));
          assertRefused(URI.create(base + "/blobs/" + imageA.layers().get(1).digest()));
          Skopeo.Result copy =
              new Skopeo()
                  .copyToOci(
                      "127.0.0.1:" + port,
                      "team/a",
                      "1",
                      work.resolve("pulled-wrong"),
                      "pulled",
                      PULL_TIMEOUT);
          assertThat(copy.ok()).as(copy.output()).isFalse();
          assertThat(copy.output().toLowerCase()).contains("unauthorized");
          assertThat(ClientTestbed.storedBlobFiles(data)).as("files the agent stored").isEmpty();
        });
    assertThat(issuer.refused()).as("token requests refused").isGreaterThan(refusedBefore);
  }

  /**
   * The swarm holds team/b (the all-in-one pulled it). An agent whose docker {@code config.json}
   * holds user ci-a, scoped to team/a, gets team/a through the swarm and nothing of team/b, asked
   * under either name.
   */
  @Test
  void aTokenScopedToRepositoryAGetsNothingOfRepositoryBFromTheSwarm() throws Exception {
    String layerA = imageA.layers().get(1).digest();
    String layerB = imageB.layers().get(1).digest();
    String ciAgent = "http://127.0.0.1:" + ports[0] + "/v2/";
    assertThat(get(URI.create(ciAgent + "team/a/blobs/" + layerA)).statusCode())
        .as("team/a through the ci agent")
        .isEqualTo(200);
    assertThat(get(URI.create(ciAgent + "team/b/blobs/" + layerB)).statusCode())
        .as("team/b through the ci agent")
        .isEqualTo(200);

    Path dockerConfig = work.resolve("docker-config-a.json");
    String auth =
        Base64.getEncoder()
            .encodeToString(("ci-a:" + ciAPassword).getBytes(StandardCharsets.UTF_8));
    Files.writeString(
        dockerConfig,
        "{\"auths\":{\"" + registry.hostPort() + "\":{\"auth\":\"" + auth + "\"}}}\n");
    Path config = work.resolve("scoped.yaml");
    Files.writeString(
        config,
        clusterSection
            + "upstreams:\n  - url: "
            + registry.baseUri()
            + "\n    docker-config: '"
            + dockerConfig
            + "'\n");
    withAgent(
        "scoped",
        config,
        (port, data) -> {
          String agent = "http://127.0.0.1:" + port + "/v2/";
          HttpResponse<byte[]> a = get(URI.create(agent + "team/a/blobs/" + layerA));
          assertThat(a.statusCode()).as("team/a with the scoped token").isEqualTo(200);
          assertThat(Digests.sha256(a.body())).isEqualTo(layerA);
          assertThat(registry.accessLog().blobDownloads())
              .as("blob GETs at the origin: only the seeder's (the scoped agent used the swarm)")
              .allSatisfy(e -> assertThat(e.userAgent()).startsWith("layerswarm-seeder/"));

          assertRefused(URI.create(agent + "team/b/manifests/1"));
          assertRefused(URI.create(agent + "team/b/blobs/" + layerB));
          HttpResponse<byte[]> crossed = get(URI.create(agent + "team/a/blobs/" + layerB));
          assertThat(crossed.statusCode())
              .as("team/b's layer asked under team/a: %s", body(crossed))
              .isIn(401, 403, 404);
          assertThat(ClientTestbed.storedBlobFiles(data))
              .as("files the scoped agent stored")
              .noneMatch(f -> f.getFileName().toString().contains(layerB.substring(7)));
        });
  }

  private interface AgentCheck {
    void run(int port, Path data) throws Exception;
  }

  /** A lone agent on the all-in-one's tracker, with {@code config}. */
  private static void withAgent(String name, Path config, AgentCheck check) throws Exception {
    int port = FreePorts.pick();
    Path data = work.resolve(name);
    try (DaemonProcess agent =
        ClientTestbed.loneAgent(
            name,
            work,
            config,
            port,
            "http://127.0.0.1:" + ports[1],
            sockets.resolve(name + ".sock"),
            data)) {
      check.run(port, data);
    }
  }

  private static Path passwordConfig(String name, String user, String password) throws Exception {
    Path file = work.resolve(name + ".yaml");
    Files.writeString(
        file,
        clusterSection
            + "upstreams:\n  - url: "
            + registry.baseUri()
            + "\n    username: '"
            + user
            + "'\n    password: '"
            + password
            + "'\n");
    return file;
  }

  /** 401 UNAUTHORIZED with a challenge a registry client understands. */
  private static void assertRefused(URI uri) throws Exception {
    HttpResponse<byte[]> r = get(uri);
    assertThat(r.statusCode()).as("GET %s: %s", uri, body(r)).isEqualTo(401);
    assertThat(body(r)).as("GET %s", uri).contains("\"code\":\"UNAUTHORIZED\"");
    assertThat(r.headers().firstValue("WWW-Authenticate"))
        .as("GET %s: WWW-Authenticate", uri)
        .hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm="));
  }

  private static HttpResponse<byte[]> get(URI uri) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String body(HttpResponse<byte[]> r) {
    String type = r.headers().firstValue("content-type").orElse("");
    return type.contains("json")
        ? new String(r.body(), StandardCharsets.UTF_8)
        : r.body().length + " bytes of " + type;
  }

  private static String secret() {
    byte[] b = new byte[12];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
