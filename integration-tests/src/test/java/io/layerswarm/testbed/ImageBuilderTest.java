package io.layerswarm.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageBuilderTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void layersAreValidGzipTarsWithTheRequestedTotalSize() throws Exception {
    try (Image image =
        ImageBuilder.image().layers(3).totalBytes(100_001).seed(1).workDir(tmp).build()) {
      long payload = 0;
      for (int i = 0; i < 3; i++) {
        List<TarReader.Entry> entries = tarEntries(image.layers().get(i).blob());
        assertThat(entries)
            .extracting(TarReader.Entry::name)
            .containsExactly("data/", "data/layer" + i + ".bin");
        TarReader.Entry data = entries.get(1);
        assertThat(data.isFile()).isTrue();
        assertThat(data.size()).isEqualTo(image.layers().get(i).payloadBytes());
        payload += data.size();
      }
      assertThat(payload).isEqualTo(100_001);
      assertThat(image.layers())
          .extracting(Layer::payloadBytes)
          .containsExactly(33_334L, 33_334L, 33_333L);
    }
  }

  @Test
  void blobDigestsAndSizesMatchTheirContent() throws Exception {
    try (Image image = ImageBuilder.image().layers(2).totalBytes(3L << 20).workDir(tmp).build()) {
      for (Blob blob : image.blobs()) {
        try (InputStream in = blob.openStream()) {
          assertThat(Digests.sha256(in)).as(blob.toString()).isEqualTo(blob.digest());
        }
        assertThat(blob.readAllBytes()).hasSize((int) blob.size());
      }
      assertThat(Digests.sha256(image.manifest().readAllBytes())).isEqualTo(image.manifestDigest());
    }
  }

  @Test
  void configListsTheDiffIdsOfTheUncompressedTars() throws Exception {
    try (Image image = ImageBuilder.image().layers(3).totalBytes(50_000).workDir(tmp).build()) {
      JsonNode config = JSON.readTree(image.config().readAllBytes());

      List<String> uncompressed = new ArrayList<>();
      for (Layer layer : image.layers()) {
        try (InputStream in = new GZIPInputStream(layer.blob().openStream())) {
          uncompressed.add(Digests.sha256(in));
        }
      }
      List<String> diffIds = new ArrayList<>();
      config.path("rootfs").path("diff_ids").forEach(d -> diffIds.add(d.asText()));
      assertThat(diffIds).isEqualTo(uncompressed).isEqualTo(image.diffIds());
      assertThat(config.path("rootfs").path("type").asText()).isEqualTo("layers");
      assertThat(config.path("architecture").asText()).isEqualTo("amd64");
      assertThat(config.path("os").asText()).isEqualTo("linux");
      assertThat(config.path("history")).hasSize(3);
    }
  }

  @Test
  void ociManifestDescribesConfigAndLayersWithOciMediaTypes() throws Exception {
    try (Image image = ImageBuilder.image().layers(2).totalBytes(10_000).build()) {
      JsonNode m = JSON.readTree(image.manifest().readAllBytes());

      assertThat(image.manifest().mediaType())
          .isEqualTo("application/vnd.oci.image.manifest.v1+json");
      assertThat(m.path("schemaVersion").asInt()).isEqualTo(2);
      assertThat(m.path("mediaType").asText())
          .isEqualTo("application/vnd.oci.image.manifest.v1+json");
      assertDescriptor(
          m.path("config"), image.config(), "application/vnd.oci.image.config.v1+json");
      assertThat(m.path("layers")).hasSize(2);
      for (int i = 0; i < 2; i++) {
        assertDescriptor(
            m.path("layers").get(i),
            image.layers().get(i).blob(),
            "application/vnd.oci.image.layer.v1.tar+gzip");
      }
    }
  }

  @Test
  void dockerSchema2FormatUsesDockerMediaTypes() throws Exception {
    try (Image image =
        ImageBuilder.image().format(ManifestFormat.DOCKER_V2).layers(1).totalBytes(10).build()) {
      JsonNode m = JSON.readTree(image.manifest().readAllBytes());

      assertThat(m.path("mediaType").asText())
          .isEqualTo("application/vnd.docker.distribution.manifest.v2+json");
      assertDescriptor(
          m.path("config"), image.config(), "application/vnd.docker.container.image.v1+json");
      assertDescriptor(
          m.path("layers").get(0),
          image.layers().get(0).blob(),
          "application/vnd.docker.image.rootfs.diff.tar.gzip");
    }
  }

  @Test
  void theSameSeedGivesByteIdenticalImagesAndAnotherSeedDoesNot() throws Exception {
    ImageBuilder builder =
        ImageBuilder.image().layers(2).totalBytes(2L << 20).randomSplit(true).workDir(tmp);
    try (Image a = builder.seed(99).build();
        Image b = builder.seed(99).build();
        Image c = builder.seed(100).build()) {
      assertThat(b.manifestDigest()).isEqualTo(a.manifestDigest());
      assertThat(b.layerDigests()).isEqualTo(a.layerDigests());
      assertThat(c.layerDigests()).doesNotContainAnyElementsOf(a.layerDigests());
      assertThat(a.seed()).isEqualTo(99);
    }
  }

  @Test
  void unseededImagesDifferAndRecordTheSeedThatReproducesThem() throws Exception {
    try (Image a = ImageBuilder.image().layers(1).totalBytes(1000).build();
        Image b = ImageBuilder.image().layers(1).totalBytes(1000).build();
        Image again = ImageBuilder.image().layers(1).totalBytes(1000).seed(a.seed()).build()) {
      assertThat(b.manifestDigest()).isNotEqualTo(a.manifestDigest());
      assertThat(again.manifestDigest()).isEqualTo(a.manifestDigest());
    }
  }

  @Test
  void randomSplitStillAddsUpToTheTotal() throws Exception {
    try (Image image =
        ImageBuilder.image().layers(5).totalBytes(123_457).randomSplit(true).seed(5).build()) {
      assertThat(image.layers())
          .extracting(Layer::payloadBytes)
          .satisfies(
              sizes ->
                  assertThat(sizes.stream().mapToLong(Long::longValue).sum()).isEqualTo(123_457));
    }
  }

  @Test
  void randomLayersDoNotCompressSoTheirSizeStaysCloseToThePayload() throws Exception {
    try (Image image = ImageBuilder.image().layers(1).totalBytes(4L << 20).workDir(tmp).build()) {
      Layer layer = image.layers().get(0);
      // tar framing (3 blocks + end marker) and stored-block deflate overhead (5 bytes per 64 KiB)
      // only.
      assertThat(layer.size()).isBetween(layer.payloadBytes(), layer.payloadBytes() + 4096);
    }
  }

  @Test
  void largeLayersLiveInFilesThatCloseDeletes() throws Exception {
    Image image =
        ImageBuilder.image()
            .layers(2)
            .totalBytes(4L << 20)
            .inMemoryThreshold(1L << 20)
            .workDir(tmp)
            .build();
    Path file = image.layers().get(0).blob().file().orElseThrow();
    assertThat(file).exists().startsWith(tmp);
    assertThat(image.config().file()).isEmpty();

    image.close();

    assertThat(file).doesNotExist();
    assertThat(image.blobDir()).doesNotExist();
  }

  @Test
  void smallImagesNeedNoTempFilesAtAll() throws Exception {
    try (Image image = ImageBuilder.image().layers(2).totalBytes(1000).build()) {
      assertThat(image.blobDir()).isNull();
      assertThat(image.layers()).allSatisfy(l -> assertThat(l.blob().file()).isEmpty());
    }
  }

  @Test
  void busyboxBaseLayerHoldsAShellItsAppletsAndUserFiles() throws Exception {
    assumeThat(Path.of("/bin/busybox")).as("Debian busybox-static installed").isExecutable();
    try (Image image =
        ImageBuilder.image().busyboxBase(true).layers(1).totalBytes(1000).workDir(tmp).build()) {
      assertThat(image.layers()).hasSize(2);
      List<TarReader.Entry> entries = tarEntries(image.layers().get(0).blob());

      TarReader.Entry busybox = find(entries, "bin/busybox");
      assertThat(busybox.mode()).isEqualTo(0755);
      assertThat(busybox.contentDigest()).isEqualTo(Digests.sha256(Path.of("/bin/busybox")));
      assertThat(find(entries, "bin/sh").isSymlink()).isTrue();
      assertThat(find(entries, "bin/sh").linkName()).isEqualTo("/bin/busybox");
      assertThat(find(entries, "etc/passwd").isFile()).isTrue();
      assertThat(find(entries, "etc/group").isFile()).isTrue();
      assertThat(find(entries, "tmp/").mode()).isEqualTo(01777);
      // Every symlink's directory must come earlier in the tar, or extraction fails.
      List<String> seen = new ArrayList<>();
      for (TarReader.Entry e : entries) {
        int slash = e.name().replaceAll("/$", "").lastIndexOf('/');
        if (slash > 0) {
          assertThat(seen).as(e.name()).contains(e.name().substring(0, slash + 1));
        }
        seen.add(e.name());
      }
      JsonNode config = JSON.readTree(image.config().readAllBytes());
      assertThat(config.path("config").path("Cmd").get(0).asText()).isEqualTo("/bin/sh");
      assertThat(config.path("rootfs").path("diff_ids")).hasSize(2);
    }
  }

  @Test
  void aMissingBusyboxNamesTheDebianPackageToInstall() {
    assertThatThrownBy(
            () ->
                ImageBuilder.image()
                    .busyboxBase(true)
                    .busyboxBinary(tmp.resolve("no-busybox"))
                    .workDir(tmp)
                    .build())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("busybox-static");
    assertThat(tmp.toFile().list()).isEmpty();
  }

  @Test
  void zeroLayersMakeAnEmptyButValidImage() throws Exception {
    try (Image image = ImageBuilder.image().layers(0).totalBytes(0).build()) {
      assertThat(image.layers()).isEmpty();
      assertThat(JSON.readTree(image.manifest().readAllBytes()).path("layers")).isEmpty();
    }
  }

  private static void assertDescriptor(JsonNode d, Blob blob, String mediaType) {
    assertThat(d.path("mediaType").asText()).isEqualTo(mediaType);
    assertThat(d.path("digest").asText()).isEqualTo(blob.digest());
    assertThat(d.path("size").asLong()).isEqualTo(blob.size());
    assertThat(blob.mediaType()).isEqualTo(mediaType);
  }

  private static List<TarReader.Entry> tarEntries(Blob blob) throws IOException {
    try (InputStream in = new GZIPInputStream(blob.openStream())) {
      List<TarReader.Entry> entries = TarReader.readAll(in);
      assertThat(in.read()).as("nothing after the tar end marker").isEqualTo(-1);
      return entries;
    }
  }

  private static TarReader.Entry find(List<TarReader.Entry> entries, String name) {
    return entries.stream()
        .filter(e -> e.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in layer"));
  }
}
