package io.layerswarm.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.ImageBuilder;
import io.layerswarm.testbed.MultiPlatformImage;
import io.layerswarm.testbed.OriginRegistry;
import io.layerswarm.testbed.RegistryPusher;
import io.layerswarm.testbed.TestbedDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code layerswarm preheat} as an admin runs it: the CLI process against a seeder daemon with its
 * admin API and a token, the real docker-registry as origin. Progress to completion, then the
 * seeder holds every blob of the image.
 */
class PreheatCliIT {

  private record Run(int exitCode, String output) {}

  private static Run cli(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ClusterBed.dist().resolve("bin/layerswarm").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("preheat finished").isTrue();
    return new Run(p.exitValue(), out);
  }

  @Test
  void preheatFromTheCliShowsProgressToCompletionAndLeavesEveryBlobOnTheSeeder() throws Exception {
    try (ClusterBed bed = new ClusterBed(TestbedDirs.create("preheat-cli"))) {
      OriginRegistry origin = bed.track(OriginRegistry.start(bed.work().resolve("origin")));
      Image image = bed.image("image", 3, 12L << 20);
      new RegistryPusher(origin.baseUri()).push(image, "library/preheat", "1");
      Files.writeString(bed.work().resolve("token"), "preheat-token-123\n");

      DaemonProcess seeder =
          adminSeeder(bed, origin, "--set", "seeder.admin-token=preheat-token-123");
      String admin = ClusterBed.adminAddress(seeder);

      Run denied = cli("preheat", "--server", admin, origin.hostPort() + "/library/preheat:1");
      assertThat(denied.exitCode()).as(denied.output()).isEqualTo(5);

      Run run =
          cli(
              "preheat",
              "--server",
              admin,
              "--token-file",
              bed.work().resolve("token").toString(),
              origin.hostPort() + "/library/preheat:1");
      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(run.output()).contains("resolved").contains("complete").contains("4/4 blobs");

      Set<String> expected = ClusterBed.blobDigests(image);
      assertThat(ClusterBed.heldBlobs(bed.work().resolve("seeder"))).containsAll(expected);
    }
  }

  /**
   * An OCI index over linux/amd64 and linux/arm64 (no blob shared): {@code --platform linux/arm64}
   * fills the seeder with arm64's blobs only, {@code --all-platforms} with both.
   */
  @Test
  void preheatByPlatformFillsOnlyThatPlatformAndAllPlatformsFillsBoth() throws Exception {
    try (ClusterBed bed = new ClusterBed(TestbedDirs.create("preheat-platforms"))) {
      OriginRegistry origin = bed.track(OriginRegistry.start(bed.work().resolve("origin")));
      Map<String, Image> images = new LinkedHashMap<>();
      for (String arch : List.of("amd64", "arm64")) {
        images.put(
            "linux/" + arch,
            bed.track(
                ImageBuilder.image()
                    .architecture(arch)
                    .layers(2)
                    .totalBytes(2L << 20)
                    .workDir(Files.createDirectories(bed.work().resolve(arch)))
                    .build()));
      }
      MultiPlatformImage index = MultiPlatformImage.of(images);
      index.push(new RegistryPusher(origin.baseUri()), "team/multi", "1");

      DaemonProcess seeder = adminSeeder(bed, origin);
      String admin = ClusterBed.adminAddress(seeder);
      String reference = origin.hostPort() + "/team/multi:1";
      Set<String> amd64 = ClusterBed.blobDigests(images.get("linux/amd64"));
      Set<String> arm64 = ClusterBed.blobDigests(images.get("linux/arm64"));

      Run one = cli("preheat", "--server", admin, "--platform", "linux/arm64", reference);
      assertThat(one.exitCode()).as(one.output()).isZero();
      Set<String> held = ClusterBed.heldBlobs(bed.work().resolve("seeder"));
      assertThat(held).containsAll(arm64);
      assertThat(held).doesNotContainAnyElementsOf(amd64);

      Run all = cli("preheat", "--server", admin, "--all-platforms", reference);
      assertThat(all.exitCode()).as(all.output()).isZero();
      assertThat(ClusterBed.heldBlobs(bed.work().resolve("seeder")))
          .containsAll(arm64)
          .containsAll(amd64);
    }
  }

  /** A seeder with its admin API on a free loopback port, the origin as its upstream. */
  private static DaemonProcess adminSeeder(ClusterBed bed, OriginRegistry origin, String... extra)
      throws Exception {
    int[] ports = FreePorts.pick(2);
    List<String> args =
        new ArrayList<>(
            List.of(
                "seeder",
                "--listen",
                "127.0.0.1:" + ports[0],
                "--peer-listen",
                "127.0.0.1:0",
                "--data",
                bed.work().resolve("seeder").toString(),
                "--tracker",
                "http://127.0.0.1:" + ports[1],
                "--upstream",
                origin.baseUri().toString(),
                "--admin-listen",
                "127.0.0.1:0"));
    args.addAll(List.of(extra));
    return bed.daemon("seeder", args.toArray(String[]::new));
  }
}
