package io.layerswarm.registry.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.Manifest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ManifestParserTest {
  private static final String A = "sha256:" + "a".repeat(64);
  private static final String B = "sha256:" + "b".repeat(64);
  private static final String C = "sha256:" + "c".repeat(64);
  private static final String D = "sha256:" + "d".repeat(64);

  private static ParsedManifest parse(String json, String contentType) throws Exception {
    byte[] bytes = json.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    return ManifestParser.parse(new Manifest(bytes, contentType, Digest.sha256(bytes)));
  }

  @Test
  void dockerSchema2GivesTheConfigThenTheLayers() throws Exception {
    ParsedManifest parsed =
        parse(
            """
        {'schemaVersion':2,'mediaType':'application/vnd.docker.distribution.manifest.v2+json',
         'config':{'mediaType':'application/vnd.docker.container.image.v1+json','size':7,'digest':'%s'},
         'layers':[{'mediaType':'application/vnd.docker.image.rootfs.diff.tar.gzip','size':100,'digest':'%s'},
                   {'mediaType':'application/vnd.docker.image.rootfs.diff.tar.gzip','size':200,'digest':'%s'}]}
        """
                .formatted(A, B, C),
            MediaTypes.DOCKER_MANIFEST);

    ParsedManifest.ImageManifest image = (ParsedManifest.ImageManifest) parsed;
    assertThat(image.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    assertThat(image.blobs()).extracting(d -> d.digest().toString()).containsExactly(A, B, C);
    assertThat(image.blobs()).extracting(Descriptor::size).containsExactly(7L, 100L, 200L);
  }

  @Test
  void anOciManifestWithoutMediaTypeFieldIsReadByItsShape() throws Exception {
    ParsedManifest parsed =
        parse(
            """
        {'schemaVersion':2,
         'config':{'mediaType':'application/vnd.oci.image.config.v1+json','size':7,'digest':'%s'},
         'layers':[{'mediaType':'application/vnd.oci.image.layer.v1.tar+gzip','size':1,'digest':'%s'}],
         'annotations':{'x':'y'}}
        """
                .formatted(A, B),
            "application/octet-stream");

    assertThat(parsed).isInstanceOf(ParsedManifest.ImageManifest.class);
    assertThat(parsed.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
  }

  @Test
  void repeatedAndNonDistributableLayersAreNotBlobsToFetch() throws Exception {
    ParsedManifest.ImageManifest image =
        (ParsedManifest.ImageManifest)
            parse(
                """
        {'schemaVersion':2,'config':{'mediaType':'c','size':7,'digest':'%s'},
         'layers':[{'mediaType':'l','size':1,'digest':'%s'},
                   {'mediaType':'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip','size':9,'digest':'%s'},
                   {'mediaType':'l','size':1,'digest':'%s'}]}
        """
                    .formatted(A, B, C, B),
                MediaTypes.OCI_MANIFEST);

    assertThat(image.layers()).hasSize(3);
    assertThat(image.blobs()).extracting(d -> d.digest().toString()).containsExactly(A, B);
  }

  @Test
  void anIndexListsChildManifestsWithPlatforms() throws Exception {
    ParsedManifest parsed =
        parse(
            """
        {'schemaVersion':2,'mediaType':'application/vnd.oci.image.index.v1+json','manifests':[
          {'mediaType':'application/vnd.oci.image.manifest.v1+json','size':10,'digest':'%s',
           'platform':{'architecture':'amd64','os':'linux'}},
          {'mediaType':'application/vnd.oci.image.manifest.v1+json','size':11,'digest':'%s',
           'platform':{'architecture':'arm64','os':'linux','variant':'v8'}},
          {'mediaType':'application/vnd.oci.image.manifest.v1+json','size':12,'digest':'%s',
           'platform':{'architecture':'unknown','os':'unknown'},
           'annotations':{'vnd.docker.reference.type':'attestation-manifest'}}]}
        """
                .formatted(A, B, C),
            MediaTypes.OCI_INDEX);

    ParsedManifest.ImageIndex index = (ParsedManifest.ImageIndex) parsed;
    assertThat(index.manifests()).hasSize(3);
    assertThat(index.select(Optional.empty()))
        .extracting(d -> d.digest().toString())
        .containsExactly(A, B);
    assertThat(index.select(Optional.of(Platform.parse("linux/arm64"))))
        .extracting(d -> d.digest().toString())
        .containsExactly(B);
    assertThat(index.select(Optional.of(Platform.parse("windows/amd64")))).isEmpty();
  }

  @Test
  void aDockerManifestListIsAnIndex() throws Exception {
    ParsedManifest parsed =
        parse(
            """
        {'schemaVersion':2,'mediaType':'application/vnd.docker.distribution.manifest.list.v2+json',
         'manifests':[{'mediaType':'application/vnd.docker.distribution.manifest.v2+json','size':5,
           'digest':'%s','platform':{'architecture':'arm','os':'linux','variant':'v7'}}]}
        """
                .formatted(D),
            null);

    assertThat(parsed).isInstanceOf(ParsedManifest.ImageIndex.class);
    assertThat(((ParsedManifest.ImageIndex) parsed).manifests().get(0).platform())
        .contains(Platform.parse("linux/arm/v7"));
  }

  @Test
  void schema1IsRefusedByName() {
    assertThatThrownBy(
            () ->
                parse(
                    "{'schemaVersion':1,'name':'x','tag':'y','fsLayers':[]}",
                    MediaTypes.DOCKER_SCHEMA1_SIGNED))
        .isInstanceOf(ManifestFormatException.class)
        .hasMessageContaining("schema 1");
  }

  @Test
  void badInputIsRefusedNamingTheField() {
    assertThatThrownBy(() -> parse("not json", MediaTypes.OCI_MANIFEST))
        .isInstanceOf(ManifestFormatException.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> parse("[1]", MediaTypes.OCI_MANIFEST))
        .isInstanceOf(ManifestFormatException.class)
        .hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> parse("{'schemaVersion':2,'layers':[]}", MediaTypes.OCI_MANIFEST))
        .isInstanceOf(ManifestFormatException.class)
        .hasMessageContaining("config is missing");
    assertThatThrownBy(
            () -> parse("{'config':{'mediaType':'c','size':-1,'digest':'%s'}}".formatted(A), null))
        .isInstanceOf(ManifestFormatException.class)
        .hasMessageContaining("config: size");
    assertThatThrownBy(
            () -> parse("{'config':{'mediaType':'c','size':1,'digest':'sha512:abc'}}", null))
        .isInstanceOf(ManifestFormatException.class)
        .hasMessageContaining("digest");
    assertThatThrownBy(
            () ->
                parse(
                    "{'manifests':[{'mediaType':'m','size':1,'digest':'%s','platform':{'os':'linux'}}]}"
                        .formatted(A),
                    null))
        .isInstanceOf(ManifestFormatException.class)
        .hasMessageContaining("manifests[0]");
    assertThatThrownBy(() -> parse("{'schemaVersion':3,'config':{}}", null))
        .isInstanceOf(ManifestFormatException.class)
        .hasMessageContaining("schemaVersion");
    assertThatThrownBy(() -> parse("{'mediaType':'text/plain'}", null))
        .isInstanceOf(ManifestFormatException.class)
        .hasMessageContaining("neither an image manifest nor an index");
  }
}
