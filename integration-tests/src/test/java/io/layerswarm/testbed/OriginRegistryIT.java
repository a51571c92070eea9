package io.layerswarm.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Needs Debian's docker-registry and skopeo. */
class OriginRegistryIT {

  private static final Duration PULL_TIMEOUT = Duration.ofSeconds(120);

  @Test
  void aPushedImageIsPulledBySkopeoIntactAndTheAccessLogCountsEveryBlobByte() throws Exception {
    Path dir = TestbedDirs.create("origin-registry-it");
    try (OriginRegistry origin = OriginRegistry.start(dir.resolve("origin"));
        Image image =
            ImageBuilder.image()
                .layers(3)
                .totalBytes(6L << 20)
                .randomSplit(true)
                .seed(7)
                .workDir(dir)
                .build()) {
      String digest = new RegistryPusher(origin.baseUri()).push(image, "test/app", "v1");
      assertThat(digest).isEqualTo(image.manifestDigest());

      Skopeo.Result pull =
          new Skopeo()
              .copyToDir(origin.hostPort(), "test/app", "v1", dir.resolve("pulled"), PULL_TIMEOUT)
              .requireSuccess();
      Skopeo.DirImage pulled = Skopeo.readDir(dir.resolve("pulled"));

      assertThat(pulled.manifestDigest()).as(pull.output()).isEqualTo(image.manifestDigest());
      assertThat(pulled.layerDigests()).isEqualTo(image.layerDigests());
      assertThat(pulled.blobDigests())
          .containsExactlyInAnyOrderElementsOf(image.blobs().stream().map(Blob::digest).toList());

      long expectedBytes = image.blobs().stream().mapToLong(Blob::size).sum();
      AccessLog accessLog =
          origin.awaitAccessLog(
              l ->
                  l.filter(e -> !e.userAgent().equals(RegistryPusher.USER_AGENT))
                          .totalBlobBytesSent()
                      >= expectedBytes,
              Duration.ofSeconds(10));
      AccessLog skopeoRequests =
          accessLog.filter(e -> !e.userAgent().equals(RegistryPusher.USER_AGENT));
      assertThat(skopeoRequests.totalBlobBytesSent()).isEqualTo(expectedBytes);
      for (Blob blob : image.blobs()) {
        assertThat(skopeoRequests.blobGets(blob.digest())).as(blob.toString()).isEqualTo(1);
      }
      Map<String, Long> byAgent = accessLog.blobBytesByUserAgent();
      assertThat(byAgent).hasSize(1);
      assertThat(byAgent.values()).containsExactly(expectedBytes);
      // Our pusher only HEADs and PUTs blobs, so it costs the origin no blob egress.
      assertThat(accessLog.byUserAgentPrefix("layerswarm-testbed/").totalBlobBytesSent()).isZero();
      System.out.println("skopeo user agent: " + byAgent.keySet());
    }
  }

  @Test
  void dockerSchema2ImagesArePushedAndPulledToo() throws Exception {
    Path dir = TestbedDirs.create("origin-registry-docker-it");
    try (OriginRegistry origin = OriginRegistry.start(dir.resolve("origin"));
        Image image =
            ImageBuilder.image()
                .format(ManifestFormat.DOCKER_V2)
                .layers(2)
                .totalBytes(1L << 20)
                .workDir(dir)
                .build()) {
      new RegistryPusher(origin.baseUri()).push(image, "test/docker", "latest");

      new Skopeo()
          .copyToDir(
              origin.hostPort(), "test/docker", "latest", dir.resolve("pulled"), PULL_TIMEOUT)
          .requireSuccess();

      Skopeo.DirImage pulled = Skopeo.readDir(dir.resolve("pulled"));
      assertThat(pulled.manifestDigest()).isEqualTo(image.manifestDigest());
      assertThat(Files.readString(dir.resolve("pulled/manifest.json")))
          .contains(ManifestFormat.DOCKER_V2.manifestMediaType());
    }
  }

  @Test
  void pushingTwiceUploadsNothingTheSecondTime() throws Exception {
    Path dir = TestbedDirs.create("origin-registry-repush-it");
    try (OriginRegistry origin = OriginRegistry.start(dir.resolve("origin"));
        Image image = ImageBuilder.image().layers(2).totalBytes(64 * 1024).build()) {
      RegistryPusher pusher = new RegistryPusher(origin.baseUri());
      pusher.push(image, "test/app", "v1");

      for (Blob blob : image.blobs()) {
        assertThat(pusher.pushBlob("test/app", blob)).as(blob.toString()).isFalse();
      }
    }
  }

  @Test
  void aProxyRegistryCachesBlobsFromTheOriginAndServesLaterPullsItself() throws Exception {
    Path dir = TestbedDirs.create("proxy-registry-it");
    try (OriginRegistry origin = OriginRegistry.start(dir.resolve("origin"));
        OriginRegistry proxy =
            OriginRegistry.builder(dir.resolve("proxy"))
                .serviceName("registry-proxy")
                .proxy(origin.baseUri())
                .start();
        Image image = ImageBuilder.image().layers(2).totalBytes(2L << 20).workDir(dir).build()) {
      new RegistryPusher(origin.baseUri()).push(image, "test/app", "v1");
      Skopeo skopeo = new Skopeo();
      long imageBytes = image.blobs().stream().mapToLong(Blob::size).sum();

      skopeo
          .copyToDir(proxy.hostPort(), "test/app", "v1", dir.resolve("pull1"), PULL_TIMEOUT)
          .requireSuccess();
      awaitCached(proxy, image);
      long originEgressAfterFirstPull = originBlobEgress(origin);
      skopeo
          .copyToDir(proxy.hostPort(), "test/app", "v1", dir.resolve("pull2"), PULL_TIMEOUT)
          .requireSuccess();

      assertThat(Skopeo.readDir(dir.resolve("pull2")).manifestDigest())
          .isEqualTo(image.manifestDigest());
      AccessLog proxyLog =
          proxy.awaitAccessLog(
              l -> l.totalBlobBytesSent() >= 2 * imageBytes, Duration.ofSeconds(10));
      assertThat(proxyLog.totalBlobBytesSent()).isEqualTo(2 * imageBytes);
      // distribution 2.8 fetches a missed blob twice (serve + background store); never more, never
      // less.
      assertThat(originEgressAfterFirstPull).isBetween(imageBytes, 2 * imageBytes);
      assertThat(originBlobEgress(origin)).isEqualTo(originEgressAfterFirstPull);
    }
  }

  private static long originBlobEgress(OriginRegistry origin) throws Exception {
    return origin
        .accessLog()
        .filter(e -> !e.userAgent().equals(RegistryPusher.USER_AGENT))
        .totalBlobBytesSent();
  }

  private static void awaitCached(OriginRegistry proxy, Image image) {
    Await.until(
        "the proxy to cache all blobs",
        Duration.ofSeconds(10),
        () -> image.blobs().stream().allMatch(b -> proxy.hasBlob(b.digest())));
  }
}
