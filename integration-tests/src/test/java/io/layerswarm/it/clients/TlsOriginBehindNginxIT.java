package io.layerswarm.it.clients;

import static io.layerswarm.it.clients.ClientTestbed.PULL_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testbed.AccessLog;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.ManifestFormat;
import io.layerswarm.testbed.OriginRegistry;
import io.layerswarm.testbed.RegistryPusher;
import io.layerswarm.testbed.RuntimeDirs;
import io.layerswarm.testbed.Skopeo;
import io.layerswarm.testbed.TestbedDirs;
import io.layerswarm.testbed.TlsFrontProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A TLS origin behind nginx: docker-registry on plain HTTP, nginx in front with a private CA's
 * certificate and basic auth, blob requests redirected to a "storage" host ({@link TlsFrontProxy}).
 * The agent and the seeder trust the CA through {@code upstreams[].ca-file}, log in at nginx,
 * follow the redirects, and send no credentials to the storage host.
 */
class TlsOriginBehindNginxIT {
  private static final String USER = "ci";
  private static Path work;
  private static Path sockets;
  private static OriginRegistry registry;
  private static TlsFrontProxy nginx;
  private static Image image;
  private static DaemonProcess allInOne;
  private static int[] ports;

  @BeforeAll
  static void start() throws Exception {
    work = TestbedDirs.create("clients-tls-nginx");
    sockets = ClientTestbed.socketDir();
    registry = OriginRegistry.start(work.resolve("origin"));
    image = ClientTestbed.runnableImage(ManifestFormat.OCI, work);
    new RegistryPusher(registry.baseUri()).push(image, "team/app", "1");
    byte[] secret = new byte[12];
    new SecureRandom().nextBytes(secret);
    nginx =
        TlsFrontProxy.start(
            work.resolve("nginx"), registry.baseUri(), USER, HexFormat.of().formatHex(secret));
    Path config = work.resolve("layerswarm.yaml");
    Files.writeString(
        config,
        "upstreams:\n  - url: "
            + nginx.baseUri()
            + "\n    ca-file: '"
            + nginx.caFile()
            + "'\n    username: "
            + USER
            + "\n    password: '"
            + HexFormat.of().formatHex(secret)
            + "'\n");
    ports = FreePorts.pick(3);
    allInOne =
        ClientTestbed.allInOne(
            "all-in-one", work, config, ports, work.resolve("data"), sockets.resolve("a.sock"));
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {allInOne, nginx, registry, image}) {
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
  void theAgentAndSeederPullOverTlsFollowRedirectsAndSendNoCredentialsToTheStorageHost()
      throws Exception {
    Path layout = work.resolve("pulled");
    Skopeo.Result copy =
        new Skopeo()
            .copyToOci("127.0.0.1:" + ports[0], "team/app", "1", layout, "pulled", PULL_TIMEOUT);
    assertThat(copy.ok())
        .as("skopeo: %s\nlog %s:\n%s", copy.output(), allInOne.logFile(), allInOne.outputTail(30))
        .isTrue();
    ClientTestbed.OciLayout pulled = ClientTestbed.readOciLayout(layout);
    assertThat(pulled.manifestDigest()).isEqualTo(image.manifestDigest());
    List<String> blobs = image.blobs().stream().map(b -> b.digest()).toList();
    assertThat(pulled.blobDigests()).containsAll(blobs);

    AccessLog front = nginx.frontLog();
    assertThat(front.filter(e -> e.path().contains("/blobs/") && e.status() == 307).entries())
        .as("blob requests nginx redirected to the storage host")
        .isNotEmpty();
    assertThat(front.filter(e -> e.isManifestGet() && e.isSuccess()).entries())
        .as("manifest GETs that passed nginx's basic auth over TLS")
        .isNotEmpty();
    AccessLog storage = nginx.storageLog();
    assertThat(storage.blobDownloads())
        .as("blob GETs at the storage host: the seeder's only, each blob once")
        .allSatisfy(e -> assertThat(e.userAgent()).startsWith("layerswarm-seeder/"));
    assertThat(storage.blobGetsByDigest().keySet()).containsExactlyInAnyOrderElementsOf(blobs);
    assertThat(storage.blobGetsByDigest().values()).containsOnly(1L);
    assertThat(nginx.storageAuthLines())
        .as("requests at the storage host, and whether they carried an Authorization header")
        .isNotEmpty()
        .allSatisfy(line -> assertThat(line).endsWith("auth=no"));
  }
}
