package io.layerswarm.it.clients;

import static io.layerswarm.it.clients.ClientTestbed.PULL_TIMEOUT;
import static io.layerswarm.it.clients.ClientTestbed.RUN_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testbed.AccessLog;
import io.layerswarm.testbed.CommandResult;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.Dockerd;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.ManifestFormat;
import io.layerswarm.testbed.OriginRegistry;
import io.layerswarm.testbed.RegistryPusher;
import io.layerswarm.testbed.RuntimeDirs;
import io.layerswarm.testbed.TestbedDirs;
import io.layerswarm.testbed.TlsFrontProxy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * dockerd and a registry that is not Docker Hub, through the agent's HTTPS proxy: dockerd has
 * {@code HTTPS_PROXY} set to the agent and trusts the agent's CA for {@code registry.test:<port>}
 * (in {@code /etc/docker/certs.d}, as an admin installs it). The name resolves nowhere: only the
 * proxy can answer. The real registry is docker-registry behind nginx with TLS and basic auth
 * ({@link TlsFrontProxy}), which only the agent and the seeder reach.
 */
class DockerdHttpsProxyIT {
  private static Path work;
  private static Path sockets;
  private static OriginRegistry registry;
  private static TlsFrontProxy nginx;
  private static Image image;
  private static DaemonProcess allInOne;
  private static Dockerd dockerd;
  private static Path certsDir;
  private static String name;

  @BeforeAll
  static void start() throws Exception {
    work = TestbedDirs.create("clients-dockerd-proxy");
    sockets = ClientTestbed.socketDir();
    registry = OriginRegistry.start(work.resolve("origin"));
    image = ClientTestbed.runnableImage(ManifestFormat.DOCKER_V2, work);
    new RegistryPusher(registry.baseUri()).push(image, "team/app", "1");
    byte[] secret = new byte[12];
    new SecureRandom().nextBytes(secret);
    String password = HexFormat.of().formatHex(secret);
    nginx = TlsFrontProxy.start(work.resolve("nginx"), registry.baseUri(), "ci", password);
    name = "registry.test:" + nginx.baseUri().getPort();
    int[] ports = FreePorts.pick(4); // agent, tracker, seeder, proxy
    Path config = work.resolve("layerswarm.yaml");
    Files.writeString(
        config,
        "upstreams:\n  - url: "
            + nginx.baseUri()
            + "\n    host: "
            + name
            + "\n    ca-file: '"
            + nginx.caFile()
            + "'\n    username: ci\n    password: '"
            + password
            + "'\nagent:\n  https-proxy-listen: 127.0.0.1:"
            + ports[3]
            + "\n");
    Path data = work.resolve("data");
    allInOne =
        ClientTestbed.allInOne("all-in-one", work, config, ports, data, sockets.resolve("a.sock"));
    Path ca = data.resolve("agent/proxy-ca/ca.crt");
    if (!Files.exists(ca)) {
      ca = data.resolve("proxy-ca/ca.crt");
    }
    assertThat(ca).as("the agent's proxy CA, made at start").exists();
    // What an admin does once per registry host (admin guide).
    certsDir = Path.of("/etc/docker/certs.d", name);
    Files.createDirectories(certsDir);
    Files.copy(ca, certsDir.resolve("ca.crt"));
    dockerd =
        Dockerd.builder(work.resolve("dockerd"))
            .httpsProxy(URI.create("http://127.0.0.1:" + ports[3]))
            .start();
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable c : new AutoCloseable[] {dockerd, allInOne, nginx, registry, image}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        System.err.println("closing " + c + ": " + e);
      }
    }
    if (certsDir != null) {
      Files.deleteIfExists(certsDir.resolve("ca.crt"));
      Files.deleteIfExists(certsDir);
    }
    RuntimeDirs.deleteUnlessMounted(sockets);
  }

  @Test
  void dockerdPullsFromATlsRegistryThatIsNotDockerHubThroughTheAgentAndRunsTheImage()
      throws Exception {
    String reference = name + "/team/app:1";
    CommandResult pull = dockerd.docker(PULL_TIMEOUT, "pull", reference);
    assertThat(pull.ok())
        .as("%s\nagent log %s:\n%s", pull.describe(), allInOne.logFile(), allInOne.outputTail(30))
        .isTrue();
    assertThat(pull.output()).contains("Digest: " + image.manifestDigest());
    ClientTestbed.timing("dockerd", "pull " + reference + " via the HTTPS proxy", pull.seconds());

    CommandResult run =
        dockerd.docker(
            RUN_TIMEOUT,
            "run",
            "--rm",
            "--network",
            "none",
            reference,
            "sh",
            "-c",
            ClientTestbed.LIST_DATA);
    assertThat(run.ok()).as(run.describe()).isTrue();
    assertThat(ClientTestbed.parseListing(run.output()))
        .as("files in the container: %s", run.output())
        .isEqualTo(ClientTestbed.dataFiles(image));

    List<String> blobs = image.blobs().stream().map(b -> b.digest()).toList();
    AccessLog storage = nginx.storageLog();
    assertThat(storage.blobDownloads())
        .as("blob GETs at the origin's storage: the seeder's only, each blob once")
        .allSatisfy(e -> assertThat(e.userAgent()).startsWith("layerswarm-seeder/"));
    assertThat(storage.blobGetsByDigest().keySet()).containsExactlyInAnyOrderElementsOf(blobs);
    assertThat(storage.blobGetsByDigest().values()).containsOnly(1L);
    assertThat(nginx.frontLog().entries())
        .as("requests at the registry: the agent's and the seeder's only, never dockerd's")
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.userAgent()).startsWith("layerswarm-"));
  }
}
