package io.layerswarm.testbed;

/** The two single-platform manifest flavours registries and runtimes accept today. */
public enum ManifestFormat {
  OCI(
      "application/vnd.oci.image.manifest.v1+json",
      "application/vnd.oci.image.config.v1+json",
      "application/vnd.oci.image.layer.v1.tar+gzip"),
  DOCKER_V2(
      "application/vnd.docker.distribution.manifest.v2+json",
      "application/vnd.docker.container.image.v1+json",
      "application/vnd.docker.image.rootfs.diff.tar.gzip");

  private final String manifestMediaType;
  private final String configMediaType;
  private final String layerMediaType;

  ManifestFormat(String manifestMediaType, String configMediaType, String layerMediaType) {
    this.manifestMediaType = manifestMediaType;
    this.configMediaType = configMediaType;
    this.layerMediaType = layerMediaType;
  }

  public String manifestMediaType() {
    return manifestMediaType;
  }

  public String configMediaType() {
    return configMediaType;
  }

  public String layerMediaType() {
    return layerMediaType;
  }
}
