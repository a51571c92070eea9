package io.layerswarm.registry.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.RepositoryName;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryUpstreamRegistryTest {
  private static final RepositoryName REPO = new RepositoryName("library/app");
  private final InMemoryUpstreamRegistry registry =
      new InMemoryUpstreamRegistry(URI.create("http://127.0.0.1:5000"));
  private final byte[] content = "layer content".getBytes(UTF_8);

  @Test
  void aBlobIsServedAndItsBytesAreCounted() throws Exception {
    Digest digest = registry.putBlob(REPO, content);

    try (BlobStream blob = registry.openBlob(REPO, digest, 0)) {
      assertThat(blob.size()).isEqualTo(content.length);
      assertThat(blob.body().readAllBytes()).isEqualTo(content);
    }
    assertThat(registry.blobBytesServed()).isEqualTo(content.length);
    assertThat(registry.blobRequests()).isEqualTo(1);
    assertThat(registry.blobSize(REPO, digest)).isEqualTo(content.length);
  }

  @Test
  void aBlobCanBeOpenedFromAnOffset() throws Exception {
    Digest digest = registry.putBlob(REPO, content);

    try (BlobStream blob = registry.openBlob(REPO, digest, 6)) {
      assertThat(blob.offset()).isEqualTo(6);
      assertThat(new String(blob.body().readAllBytes(), UTF_8)).isEqualTo("content");
    }
    assertThat(registry.blobBytesServed()).isEqualTo(content.length - 6);
  }

  @Test
  void blobsAreScopedByRepository() throws Exception {
    Digest digest = registry.putBlob(REPO, content);

    assertThatThrownBy(() -> registry.openBlob(new RepositoryName("other"), digest, 0))
        .isInstanceOfSatisfying(
            BlobUnknownException.class, e -> assertThat(e.httpStatus()).isEqualTo(404))
        .hasMessageContaining(digest.toString());
  }

  @Test
  void aCorruptBlobFailsAtTheEndOfTheStream() throws Exception {
    Digest claimed = Digest.sha256("something else".getBytes(UTF_8));
    registry.putCorruptBlob(REPO, claimed, content);

    try (BlobStream blob = registry.openBlob(REPO, claimed, 0)) {
      assertThatThrownBy(() -> blob.body().readAllBytes())
          .isInstanceOf(DigestMismatchException.class);
    }
  }

  @Test
  void aManifestIsFoundByTagAndByDigest() throws Exception {
    byte[] bytes = "{\"schemaVersion\":2}".getBytes(UTF_8);
    Manifest manifest =
        new Manifest(bytes, "application/vnd.oci.image.manifest.v1+json", Digest.sha256(bytes));
    registry.putManifest(REPO, "1.0", manifest);

    assertThat(registry.getManifest(REPO, "1.0", List.of())).isEqualTo(manifest);
    assertThat(registry.getManifest(REPO, manifest.digest().toString(), List.of()))
        .isEqualTo(manifest);
    assertThat(registry.headManifest(REPO, "1.0", List.of()))
        .isEqualTo(
            new UpstreamRegistry.ManifestHead(
                manifest.mediaType(), manifest.digest(), bytes.length));
  }

  @Test
  void anUnknownManifestIsManifestUnknown() {
    assertThatThrownBy(() -> registry.getManifest(REPO, "nope", List.of()))
        .isInstanceOf(ManifestUnknownException.class)
        .hasMessageContaining("library/app:nope");
  }
}
