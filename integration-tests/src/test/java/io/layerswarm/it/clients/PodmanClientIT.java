package io.layerswarm.it.clients;

import static io.layerswarm.it.clients.ClientTestbed.PODMAN_HOST;
import static io.layerswarm.it.clients.ClientTestbed.PULL_TIMEOUT;
import static io.layerswarm.it.clients.ClientTestbed.RUN_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testbed.Buildah;
import io.layerswarm.testbed.CommandResult;
import io.layerswarm.testbed.ManifestFormat;
import io.layerswarm.testbed.Podman;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * podman 4.3 with a private registries.conf whose registries have names that resolve nowhere, so a
 * pull can only succeed through the mirror, the agent:
 *
 * <ul>
 *   <li>{@code origin.test:5000} with mirror {@code 127.0.0.1:<agent>}: podman asks {@code
 *       /v2/<repo>/...}, the agent's default upstream answers;
 *   <li>{@code origin.test} with the path-prefix mirror {@code 127.0.0.1:<agent>/origin.test}:
 *       podman asks {@code /v2/origin.test/<repo>/...} and the agent picks the upstream configured
 *       with {@code host: origin.test}.
 * </ul>
 *
 * Then {@code podman --runtime runc run} lists the files of the image. Debian's buildah reads the
 * same registries.conf and storage, so {@code buildah pull} goes through the same mirror.
 */
class PodmanClientIT {
  private static ClientTestbed bed;
  private static Podman podman;
  private static Buildah buildah;

  @BeforeAll
  static void start() throws Exception {
    bed = ClientTestbed.start("clients-podman");
    podman =
        Podman.builder(bed.work.resolve("podman"))
            .registry("origin.test:5000", "origin.test:5000", true, bed.agentHostPort())
            .registry(PODMAN_HOST, PODMAN_HOST, true, bed.agentHostPort() + "/" + PODMAN_HOST)
            .start();
    buildah = Buildah.sharingConfigOf(podman);
  }

  @AfterAll
  static void stop() {
    try {
      if (buildah != null) {
        buildah.close();
      }
      if (podman != null) {
        podman.close();
      }
    } finally {
      if (bed != null) {
        bed.close();
      }
    }
  }

  @Test
  void pullsThroughAPlainMirrorFromTheDefaultUpstreamAndRunsIt() throws Exception {
    ClientTestbed.Pushed image = bed.push("library/lsdemo", "1", ManifestFormat.DOCKER_V2);
    pullAndRun(image, "origin.test:5000/library/lsdemo:1");
  }

  @Test
  void pullsThroughAPathPrefixMirrorFromTheUpstreamItNamesAndRunsIt() throws Exception {
    ClientTestbed.Pushed image = bed.push("test/lsdemo-oci", "1", ManifestFormat.OCI);
    pullAndRun(image, PODMAN_HOST + "/test/lsdemo-oci:1");
  }

  @Test
  void pullsTheAmd64VariantOfAnOciIndexThroughTheAgentAndRunsIt() throws Exception {
    ClientTestbed.Pushed image =
        bed.pushMultiPlatform("team/lsdemo-multi", "1", ManifestFormat.OCI);
    pullAndRun(image, PODMAN_HOST + "/team/lsdemo-multi:1");
  }

  private void pullAndRun(ClientTestbed.Pushed image, String reference) throws Exception {
    CommandResult pull = podman.pull(reference, PULL_TIMEOUT);
    assertThat(pull.ok()).as(pull.describe()).isTrue();
    ClientTestbed.timing(
        "podman",
        "pull " + reference + " (" + image.image().format() + ", " + podman.storageDriver() + ")",
        pull.seconds());

    CommandResult digest =
        podman.podman(
            Duration.ofSeconds(30), "image", "inspect", "--format", "{{.Digest}}", reference);
    assertThat(digest.ok()).as(digest.describe()).isTrue();
    assertThat(digest.output().strip()).isEqualTo(image.manifestDigest());

    CommandResult run = podman.run(reference, RUN_TIMEOUT, "sh", "-c", ClientTestbed.LIST_DATA);
    assertThat(run.ok()).as(run.describe()).isTrue();
    assertThat(ClientTestbed.parseListing(run.output()))
        .as("files in the container: %s", run.output())
        .isEqualTo(image.dataFiles());
    ClientTestbed.timing("podman", "run " + reference + " sh -c <list /data>", run.seconds());

    bed.assertBlobsCameThroughTheSwarm(image);
  }

  @Test
  void buildahPullsThroughTheSameMirrorConfigAndRunsIt() throws Exception {
    ClientTestbed.Pushed image = bed.push("team/lsdemo-buildah", "1", ManifestFormat.OCI);
    String reference = PODMAN_HOST + "/team/lsdemo-buildah:1";
    CommandResult pull = buildah.pull(reference, PULL_TIMEOUT);
    assertThat(pull.ok()).as(pull.describe()).isTrue();
    ClientTestbed.timing("buildah", "pull " + reference + " (OCI)", pull.seconds());

    CommandResult digest =
        buildah.buildah(
            Duration.ofSeconds(30),
            "inspect",
            "--type",
            "image",
            "--format",
            "{{.FromImageDigest}}",
            reference);
    assertThat(digest.ok()).as(digest.describe()).isTrue();
    assertThat(digest.output().strip()).isEqualTo(image.manifestDigest());

    CommandResult run = buildah.run(reference, RUN_TIMEOUT, "sh", "-c", ClientTestbed.LIST_DATA);
    assertThat(run.ok()).as(run.describe()).isTrue();
    assertThat(ClientTestbed.parseListing(run.output()))
        .as("files in the container: %s", run.output())
        .isEqualTo(image.dataFiles());

    bed.assertBlobsCameThroughTheSwarm(image);
  }
}
