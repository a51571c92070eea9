package io.layerswarm.it.clients;

import static io.layerswarm.it.clients.ClientTestbed.PULL_TIMEOUT;
import static io.layerswarm.it.clients.ClientTestbed.RUN_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testbed.CommandResult;
import io.layerswarm.testbed.Dockerd;
import io.layerswarm.testbed.ManifestFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Docker engine 20.10 (Debian's docker.io, dockerd started by hand) with the agent as its {@code
 * --registry-mirror}: {@code docker pull lsdemo:1} asks the agent for {@code library/lsdemo}, which
 * the agent maps to its default upstream, the origin. Then a container of the image lists its
 * files.
 */
class DockerdClientIT {
  private static ClientTestbed bed;
  private static Dockerd dockerd;

  @BeforeAll
  static void start() throws Exception {
    bed = ClientTestbed.start("clients-dockerd");
    dockerd = Dockerd.builder(bed.work.resolve("dockerd")).registryMirror(bed.agentUri()).start();
  }

  @AfterAll
  static void stop() {
    // Each step on its own, so a failure in one doesn't leave the others running.
    try {
      if (dockerd != null) {
        dockerd.close();
      }
    } finally {
      if (bed != null) {
        bed.close();
      }
    }
  }

  @Test
  void pullsADockerSchema2ImageThroughTheAgentAndRunsIt() throws Exception {
    pullAndRun(bed.push("library/lsdemo", "1", ManifestFormat.DOCKER_V2), "lsdemo:1");
  }

  @Test
  void pullsAnOciImageThroughTheAgentAndRunsIt() throws Exception {
    pullAndRun(bed.push("library/lsdemo-oci", "1", ManifestFormat.OCI), "lsdemo-oci:1");
  }

  @Test
  void pullsAnImagePinnedByDigestThroughTheAgentAndRunsIt() throws Exception {
    ClientTestbed.Pushed image = bed.push("library/lsdemo-pinned", "1", ManifestFormat.DOCKER_V2);
    pullAndRun(image, "lsdemo-pinned@" + image.manifestDigest());
  }

  @Test
  void pullsTheAmd64VariantOfADockerManifestListThroughTheAgentAndRunsIt() throws Exception {
    pullAndRun(
        bed.pushMultiPlatform("library/lsdemo-multi", "1", ManifestFormat.DOCKER_V2),
        "lsdemo-multi:1");
  }

  @Test
  void pullsTheAmd64VariantOfAnOciIndexThroughTheAgentAndRunsIt() throws Exception {
    pullAndRun(
        bed.pushMultiPlatform("library/lsdemo-multi-oci", "1", ManifestFormat.OCI),
        "lsdemo-multi-oci:1");
  }

  private void pullAndRun(ClientTestbed.Pushed image, String dockerName) throws Exception {
    ManifestFormat format = image.image().format();

    CommandResult pull = dockerd.docker(PULL_TIMEOUT, "pull", dockerName);
    assertThat(pull.ok()).as(pull.describe()).isTrue();
    assertThat(pull.output())
        .as("docker pull output")
        .contains("Digest: " + image.manifestDigest());
    ClientTestbed.timing(
        "dockerd",
        "pull " + dockerName + " (" + format + ", " + dockerd.storageDriver() + ")",
        pull.seconds());

    CommandResult digests =
        dockerd.docker(
            PULL_TIMEOUT, "image", "inspect", "--format", "{{json .RepoDigests}}", dockerName);
    assertThat(digests.ok()).as(digests.describe()).isTrue();
    assertThat(digests.output()).contains("lsdemo").contains(image.manifestDigest());

    CommandResult run =
        dockerd.docker(
            RUN_TIMEOUT,
            "run",
            "--rm",
            "--network",
            "none",
            dockerName,
            "sh",
            "-c",
            ClientTestbed.LIST_DATA);
    assertThat(run.ok()).as(run.describe()).isTrue();
    assertThat(ClientTestbed.parseListing(run.output()))
        .as("files in the container: %s", run.output())
        .isEqualTo(image.dataFiles());
    ClientTestbed.timing("dockerd", "run " + dockerName + " sh -c <list /data>", run.seconds());

    bed.assertBlobsCameThroughTheSwarm(image);
  }
}
