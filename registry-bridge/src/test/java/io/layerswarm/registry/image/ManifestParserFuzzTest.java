package io.layerswarm.registry.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.registry.FuzzJson;
import io.layerswarm.testing.fuzz.FuzzTarget;
import io.layerswarm.testing.fuzz.Mutations;
import io.layerswarm.testing.fuzz.TreeMutations;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Fuzz target: {@link ManifestParser}, which reads every manifest an upstream registry returns.
 * Inputs are a Docker schema 2 manifest, a Docker manifest list, an OCI manifest (without its
 * optional mediaType), an OCI index, and schema 1 manifests (plain and signed), changed by edits on
 * the JSON tree and on the bytes, with any Content-Type. Parsing either gives descriptors a pull
 * can use, or throws {@link ManifestFormatException}.
 */
class ManifestParserFuzzTest {
  private static final String D = FuzzJson.DIGEST;

  /** Manifests as registries serve them (one of each format). */
  static final List<String> SEEDS =
      List.of(
          """
          {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
           "config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":1470,
             "digest":"%1$s"},
           "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip",
             "size":2811478,"digest":"%1$s"},
             {"mediaType":"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
             "size":5,"digest":"%1$s","urls":["https://example.test/layer"]}]}
          """
              .formatted(D),
          """
          {"schemaVersion":2,
           "mediaType":"application/vnd.docker.distribution.manifest.list.v2+json",
           "manifests":[{"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
             "size":528,"digest":"%1$s","platform":{"architecture":"amd64","os":"linux"}},
             {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":528,
             "digest":"%1$s","platform":{"architecture":"arm64","os":"linux","variant":"v8"}}]}
          """
              .formatted(D),
          """
          {"schemaVersion":2,
           "config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":7023,
             "digest":"%1$s"},
           "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","size":32654,
             "digest":"%1$s"}],"annotations":{"a":"b"}}
          """
              .formatted(D),
          """
          {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",
           "manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":7143,
             "digest":"%1$s","platform":{"architecture":"ppc64le","os":"linux"}},
             {"mediaType":"application/vnd.oci.image.manifest.v1+json","size":566,
             "digest":"%1$s","platform":{"architecture":"unknown","os":"unknown"}},
             {"mediaType":"application/vnd.oci.image.manifest.v1+json","size":1,
             "digest":"%1$s"}]}
          """
              .formatted(D),
          """
          {"schemaVersion":1,"name":"library/app","tag":"1.2","architecture":"amd64",
           "fsLayers":[{"blobSum":"%1$s"}],"history":[{"v1Compatibility":"{}"}]}
          """
              .formatted(D),
          """
          {"schemaVersion":1,"name":"library/app","tag":"1.2",
           "signatures":[{"header":{"alg":"ES256"},"signature":"c2ln","protected":"e30"}]}
          """);

  static final List<String> KEYS =
      List.of(
          "schemaVersion",
          "mediaType",
          "config",
          "layers",
          "manifests",
          "digest",
          "size",
          "platform",
          "os",
          "architecture",
          "variant",
          "signatures");

  /** Content-Types a registry (or a proxy in front of it) may send with a manifest. */
  private static final List<String> DECLARED =
      List.of(
          "",
          "application/json",
          MediaTypes.OCI_MANIFEST,
          MediaTypes.OCI_INDEX,
          MediaTypes.DOCKER_MANIFEST + "; charset=utf-8",
          MediaTypes.DOCKER_MANIFEST_LIST,
          MediaTypes.DOCKER_SCHEMA1,
          MediaTypes.DOCKER_SCHEMA1_SIGNED,
          " APPLICATION/VND.OCI.IMAGE.INDEX.V1+JSON ");

  @FuzzTarget
  void anyManifestParsesToUsableDescriptorsOrFailsWithAManifestFormatException(
      @ForAll("manifests") byte[] bytes, @ForAll("declared") String declared) {
    ParsedManifest parsed;
    try {
      parsed = ManifestParser.parse(bytes, declared, "manifest " + D);
    } catch (ManifestFormatException e) {
      assertThat(e.getMessage()).startsWith("read manifest " + D);
      return;
    }
    if (parsed instanceof ParsedManifest.ImageManifest manifest) {
      assertThat(MediaTypes.isImageManifest(manifest.mediaType())).isTrue();
      assertThat(manifest.blobs()).first().isEqualTo(manifest.config());
    } else if (parsed instanceof ParsedManifest.ImageIndex index) {
      assertThat(MediaTypes.isIndex(index.mediaType())).isTrue();
      assertThat(index.manifests()).containsAll(index.select(Optional.empty()));
      assertThat(index.manifests())
          .containsAll(index.select(Optional.of(new Platform("linux", "arm64"))));
    }
  }

  /** Manifests edited as JSON trees (staying JSON), as bytes, and both. */
  @Provide
  static Arbitrary<byte[]> manifests() {
    List<byte[]> tokens = Mutations.utf8(FuzzJson.TOKENS);
    Arbitrary<byte[]> trees =
        TreeMutations.of(FuzzJson.trees(SEEDS), FuzzJson.LEAVES, KEYS, FuzzJson::bytes);
    return Arbitraries.frequencyOf(
        Tuple.of(1, Mutations.bytes(FuzzJson.utf8(SEEDS), tokens)),
        Tuple.of(2, trees),
        Tuple.of(1, Mutations.bytes(trees, tokens)));
  }

  @Provide
  static Arbitrary<String> declared() {
    return Arbitraries.of(DECLARED).injectNull(0.1);
  }
}
