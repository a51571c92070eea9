package io.layerswarm.registry.image;

import java.util.Locale;
import java.util.Set;

/**
 * Media types of manifests and indexes (OCI image spec {@code media-types.md}; Docker Image
 * Manifest V2 Schema 2), and the ones we refuse.
 */
public final class MediaTypes {
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";

  /** Docker schema 1, unsigned and signed: deprecated, and without a config blob. */
  public static final String DOCKER_SCHEMA1 =
      "application/vnd.docker.distribution.manifest.v1+json";

  public static final String DOCKER_SCHEMA1_SIGNED =
      "application/vnd.docker.distribution.manifest.v1+prettyjws";

  /** Layers that are not in the registry (Windows base layers): their descriptor has URLs. */
  private static final Set<String> NON_DISTRIBUTABLE =
      Set.of(
          "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
          "application/vnd.oci.image.layer.nondistributable.v1.tar",
          "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
          "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd");

  private MediaTypes() {}

  /** An image manifest (config plus layers): OCI or Docker schema 2. */
  public static boolean isImageManifest(String mediaType) {
    String type = bare(mediaType);
    return OCI_MANIFEST.equals(type) || DOCKER_MANIFEST.equals(type);
  }

  /** A list of manifests by platform: OCI index or Docker manifest list. */
  public static boolean isIndex(String mediaType) {
    String type = bare(mediaType);
    return OCI_INDEX.equals(type) || DOCKER_MANIFEST_LIST.equals(type);
  }

  /** Either of the above: what a registry's notification names when a manifest is pushed. */
  public static boolean isManifestOrIndex(String mediaType) {
    return isImageManifest(mediaType) || isIndex(mediaType);
  }

  public static boolean isSchema1(String mediaType) {
    String type = bare(mediaType);
    return DOCKER_SCHEMA1.equals(type) || DOCKER_SCHEMA1_SIGNED.equals(type);
  }

  /** A layer the registry does not hold (pulled from its descriptor's URLs by clients). */
  public static boolean isNonDistributable(String mediaType) {
    return NON_DISTRIBUTABLE.contains(bare(mediaType));
  }

  /** The type without parameters ({@code ; charset=...}) and in lowercase, as RFC 6838 compares. */
  static String bare(String mediaType) {
    if (mediaType == null) {
      return "";
    }
    int semicolon = mediaType.indexOf(';');
    String type = semicolon < 0 ? mediaType : mediaType.substring(0, semicolon);
    return type.trim().toLowerCase(Locale.ROOT);
  }
}
