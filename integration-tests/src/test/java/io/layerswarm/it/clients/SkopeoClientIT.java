package io.layerswarm.it.clients;

import static io.layerswarm.it.clients.ClientTestbed.PULL_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testbed.ManifestFormat;
import io.layerswarm.testbed.Skopeo;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * skopeo 1.9 (containers/image, as podman and CRI-O use it) copying through the agent into a {@code
 * dir:} and an {@code oci:} layout; every blob is checked against its digest and the manifest
 * digest against the pushed one.
 */
class SkopeoClientIT {
  private static final Skopeo SKOPEO = new Skopeo();
  private static ClientTestbed bed;

  @BeforeAll
  static void start() throws Exception {
    bed = ClientTestbed.start("clients-skopeo");
  }

  @AfterAll
  static void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void copiesADockerSchema2ImageThroughTheAgentIntoADirLayout() throws Exception {
    ClientTestbed.Pushed image = bed.push("library/lsdemo", "1", ManifestFormat.DOCKER_V2);
    Path dir = bed.work.resolve("pulled-dir");
    Skopeo.Result copy =
        timed(
            "copy docker://" + bed.agentHostPort() + "/library/lsdemo:1 dir:",
            () -> SKOPEO.copyToDir(bed.agentHostPort(), "library/lsdemo", "1", dir, PULL_TIMEOUT));
    assertThat(copy.ok()).as(copy.output()).isTrue();

    Skopeo.DirImage pulled = Skopeo.readDir(dir); // verifies every blob file against its name
    assertThat(pulled.manifestDigest()).isEqualTo(image.manifestDigest());
    assertThat(pulled.blobDigests()).containsExactlyInAnyOrderElementsOf(image.blobDigests());
    bed.assertBlobsCameThroughTheSwarm(image);
  }

  @Test
  void copiesAnOciImageThroughTheAgentIntoAnOciLayout() throws Exception {
    ClientTestbed.Pushed image = bed.push("test/lsdemo-oci", "1", ManifestFormat.OCI);
    Path layout = bed.work.resolve("pulled-oci");
    Skopeo.Result copy =
        timed(
            "copy docker://" + bed.agentHostPort() + "/test/lsdemo-oci:1 oci:",
            () ->
                SKOPEO.copyToOci(
                    bed.agentHostPort(), "test/lsdemo-oci", "1", layout, "pulled", PULL_TIMEOUT));
    assertThat(copy.ok()).as(copy.output()).isTrue();

    ClientTestbed.OciLayout pulled =
        ClientTestbed.readOciLayout(layout); // verifies every blob file
    assertThat(pulled.manifestDigest()).isEqualTo(image.manifestDigest());
    assertThat(pulled.blobDigests())
        .contains(image.manifestDigest())
        .containsAll(image.blobDigests())
        .hasSize(image.blobDigests().size() + 1);
    bed.assertBlobsCameThroughTheSwarm(image);
  }

  private interface Copy {
    Skopeo.Result run() throws Exception;
  }

  private static Skopeo.Result timed(String what, Copy copy) throws Exception {
    long started = System.nanoTime();
    Skopeo.Result result = copy.run();
    ClientTestbed.timing("skopeo", what, (System.nanoTime() - started) / 1e9);
    return result;
  }
}
