package io.layerswarm.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SkopeoTest {

  @TempDir Path tmp;

  @Test
  void aDirLayoutWithIntactBlobsIsReadBack() throws Exception {
    try (Image image = ImageBuilder.image().layers(2).totalBytes(10_000).build()) {
      Path dir = writeDirLayout(image);

      Skopeo.DirImage read = Skopeo.readDir(dir);

      assertThat(read.manifestDigest()).isEqualTo(image.manifestDigest());
      assertThat(read.configDigest()).isEqualTo(image.config().digest());
      assertThat(read.layerDigests()).isEqualTo(image.layerDigests());
      assertThat(read.blobDigests())
          .containsExactlyInAnyOrderElementsOf(image.blobs().stream().map(Blob::digest).toList());
    }
  }

  @Test
  void aBlobWhoseContentDoesNotMatchItsNameIsReported() throws Exception {
    try (Image image = ImageBuilder.image().layers(1).totalBytes(1000).build()) {
      Path dir = writeDirLayout(image);
      Path layer = dir.resolve(Digests.hex(image.layerDigests().get(0)));
      byte[] bytes = Files.readAllBytes(layer);
      bytes[bytes.length / 2] ^= 1;
      Files.write(layer, bytes);

      assertThatThrownBy(() -> Skopeo.readDir(dir))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(layer.toString())
          .hasMessageContaining("hashes to");
    }
  }

  @Test
  void aBlobTheManifestNeedsButIsMissingIsReported() throws Exception {
    try (Image image = ImageBuilder.image().layers(1).totalBytes(1000).build()) {
      Path dir = writeDirLayout(image);
      Files.delete(dir.resolve(Digests.hex(image.layerDigests().get(0))));

      assertThatThrownBy(() -> Skopeo.readDir(dir))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(image.layerDigests().get(0))
          .hasMessageContaining("missing");
    }
  }

  @Test
  void referencesUseAnAtSignForDigestsAndAColonForTags() {
    String digest = "sha256:" + "a".repeat(64);

    assertThat(Skopeo.dockerReference("127.0.0.1:5000", "test/app", "v1"))
        .isEqualTo("docker://127.0.0.1:5000/test/app:v1");
    assertThat(Skopeo.dockerReference("127.0.0.1:5000", "test/app", digest))
        .isEqualTo("docker://127.0.0.1:5000/test/app@" + digest);
  }

  @Test
  void aMissingBinaryNamesTheDebianPackage() {
    Skopeo skopeo = new Skopeo(tmp.resolve("skopeo"));

    assertThatThrownBy(() -> skopeo.run(List.of("--version"), Duration.ofSeconds(5)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("install the Debian package skopeo");
  }

  private Path writeDirLayout(Image image) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("layout"));
    Files.write(dir.resolve("manifest.json"), image.manifest().readAllBytes());
    Files.writeString(dir.resolve("version"), "Directory Transport Version: 1.1\n");
    for (Blob blob : image.blobs()) {
      try (InputStream in = blob.openStream()) {
        Files.copy(in, dir.resolve(Digests.hex(blob.digest())));
      }
    }
    return dir;
  }
}
