package io.layerswarm.it.clients;

import static io.layerswarm.it.clients.ClientTestbed.PULL_TIMEOUT;
import static io.layerswarm.it.clients.ClientTestbed.RUN_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testbed.CommandResult;
import io.layerswarm.testbed.Containerd;
import io.layerswarm.testbed.ManifestFormat;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * containerd 1.6 (private instance, CRI disabled) pulling with {@code ctr image pull --hosts-dir},
 * where {@code certs.d/<registry>/hosts.toml} names the agent as a pull/resolve host. containerd
 * adds {@code ?ns=<registry>} to every request, and the agent picks the upstream by it: {@code
 * docker.io} for {@code docker.io/library/lsdemo:1}, {@code 127.0.0.1:<origin port>} for the
 * origin's own name. Then {@code ctr run} lists the files of the image.
 */
class ContainerdClientIT {
  private static final AtomicInteger CONTAINERS = new AtomicInteger();
  private static ClientTestbed bed;
  private static Containerd containerd;

  @BeforeAll
  static void start() throws Exception {
    bed = ClientTestbed.start("clients-containerd");
    containerd = Containerd.builder(bed.work.resolve("containerd")).start();
    containerd.mirror("docker.io", "https://registry-1.docker.io", bed.agentUri());
    // The origin is reachable itself: a silent fallback to it would show in its access log.
    containerd.mirror(bed.origin.hostPort(), bed.origin.baseUri().toString(), bed.agentUri());
  }

  @AfterAll
  static void stop() {
    try {
      if (containerd != null) {
        containerd.close();
      }
    } finally {
      if (bed != null) {
        bed.close();
      }
    }
  }

  @Test
  void pullsADockerHubNameThroughTheAgentWithNamespaceDockerIoAndRunsIt() throws Exception {
    ClientTestbed.Pushed image = bed.push("library/lsdemo", "1", ManifestFormat.DOCKER_V2);
    pullAndRun(image, "docker.io/library/lsdemo:1");
  }

  @Test
  void pullsTheOriginsOwnNameThroughTheAgentWithNamespaceHostPortAndRunsIt() throws Exception {
    ClientTestbed.Pushed image = bed.push("test/lsdemo-oci", "1", ManifestFormat.OCI);
    pullAndRun(image, bed.origin.hostPort() + "/test/lsdemo-oci:1");
  }

  @Test
  void pullsAnImagePinnedByDigestThroughTheAgentAndRunsIt() throws Exception {
    ClientTestbed.Pushed image = bed.push("library/lsdemo-pinned", "1", ManifestFormat.OCI);
    pullAndRun(image, "docker.io/library/lsdemo-pinned@" + image.manifestDigest());
  }

  @Test
  void pullsTheAmd64VariantOfAnOciIndexThroughTheAgentAndRunsIt() throws Exception {
    ClientTestbed.Pushed image =
        bed.pushMultiPlatform("library/lsdemo-multi", "1", ManifestFormat.OCI);
    pullAndRun(image, "docker.io/library/lsdemo-multi:1");
  }

  private void pullAndRun(ClientTestbed.Pushed image, String reference) throws Exception {
    CommandResult pull = containerd.pull(reference, PULL_TIMEOUT);
    assertThat(pull.ok()).as(pull.describe()).isTrue();
    ClientTestbed.timing(
        "containerd",
        "ctr image pull " + reference + " (" + image.image().format() + ")",
        pull.seconds());

    CommandResult images = containerd.ctr(Duration.ofSeconds(30), "images", "ls");
    assertThat(images.ok()).as(images.describe()).isTrue();
    assertThat(images.output().lines().filter(l -> l.startsWith(reference + " ")))
        .as("ctr images ls: %s", images.output())
        .singleElement()
        .asString()
        .contains(image.manifestDigest());

    String id = "ls-c" + CONTAINERS.incrementAndGet();
    CommandResult run =
        containerd.run(reference, id, RUN_TIMEOUT, "sh", "-c", ClientTestbed.LIST_DATA);
    assertThat(run.ok()).as(run.describe()).isTrue();
    assertThat(ClientTestbed.parseListing(run.output()))
        .as("files in the container: %s", run.output())
        .isEqualTo(image.dataFiles());
    ClientTestbed.timing(
        "containerd", "ctr run " + reference + " sh -c <list /data>", run.seconds());

    bed.assertBlobsCameThroughTheSwarm(image);
  }
}
