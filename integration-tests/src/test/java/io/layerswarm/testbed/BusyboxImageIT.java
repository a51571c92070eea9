package io.layerswarm.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Proves the busybox base makes a runnable image without a container runtime: unpack the layers in
 * order with GNU tar and run the config's Cmd under chroot. Needs busybox-static and root.
 */
class BusyboxImageIT {

  @Test
  void theUnpackedLayersRunTheShellAndSeeTheRandomData() throws Exception {
    assumeThat(Path.of("/bin/busybox")).as("Debian busybox-static installed").isExecutable();
    assumeThat(System.getProperty("user.name")).as("chroot needs root").isEqualTo("root");
    Path dir = TestbedDirs.create("busybox-image-it");
    Path rootfs = Files.createDirectory(dir.resolve("rootfs"));
    try (Image image =
        ImageBuilder.image()
            .busyboxBase(true)
            .layers(2)
            .totalBytes(4096)
            .seed(3)
            .workDir(dir)
            .build()) {
      for (Layer layer : image.layers()) {
        Path tar = dir.resolve(Digests.hex(layer.diffId()) + ".tar");
        try (InputStream in = new GZIPInputStream(layer.blob().openStream())) {
          Files.copy(in, tar);
        }
        assertThat(run(dir, "/usr/bin/tar", "-xf", tar.toString(), "-C", rootfs.toString()))
            .isZero();
      }

      int code =
          run(
              dir,
              "/usr/sbin/chroot",
              rootfs.toString(),
              "/bin/sh",
              "-c",
              "ls -l /data && id -un && wc -c /data/layer1.bin");

      String out = Files.readString(dir.resolve("run.log"));
      assertThat(code).as(out).isZero();
      assertThat(out).contains("layer0.bin", "layer1.bin", "root", "2048 /data/layer1.bin");
    }
  }

  private static int run(Path dir, String... cmd) throws Exception {
    Process p =
        new ProcessBuilder(List.of(cmd))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("run.log").toFile()))
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " did not finish within 60 s");
    }
    return p.exitValue();
  }
}
