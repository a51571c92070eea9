package io.layerswarm.agent.pins;

import io.layerswarm.registry.image.ImageReference;
import io.layerswarm.registry.image.Platform;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One pinned image: a reference (a tag, which the agent re-resolves on an interval, or a digest)
 * and the platform whose manifest, config and layers stay local when the reference names an index.
 */
public record Pin(ImageReference image, Platform platform) {
  public Pin {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(platform, "platform");
  }

  /**
   * Parses one {@code agent.pins} entry.
   *
   * @param platform {@code os/architecture[/variant]}, or empty for {@code host}
   * @throws IllegalArgumentException naming what is wrong with the reference or the platform
   */
  public static Pin parse(String reference, Optional<String> platform, Platform host) {
    ImageReference image = ImageReference.parse(reference == null ? "" : reference.trim());
    return new Pin(image, platform.isPresent() ? Platform.parse(platform.get().trim()) : host);
  }

  /** True when the reference is a digest: it never moves, so it is resolved once. */
  public boolean fixed() {
    return image.digest().isPresent();
  }

  /**
   * The platform of this JVM's host in the OCI spelling ({@code linux/amd64}, {@code linux/arm64}).
   */
  public static Platform hostPlatform() {
    String os = System.getProperty("os.name", "linux").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "amd64").toLowerCase(Locale.ROOT);
    String ociOs = os.startsWith("windows") ? "windows" : os.startsWith("mac") ? "darwin" : "linux";
    String ociArch =
        switch (arch) {
          case "x86_64", "amd64" -> "amd64";
          case "aarch64", "arm64" -> "arm64";
          case "x86", "i386", "i686" -> "386";
          case "ppc64le", "s390x", "riscv64" -> arch;
          default -> arch.replaceAll("[^a-z0-9._-]", "");
        };
    return new Platform(ociOs, ociArch);
  }

  @Override
  public String toString() {
    return image + " (" + platform + ")";
  }
}
