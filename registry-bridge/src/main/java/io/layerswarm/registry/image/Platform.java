package io.layerswarm.registry.image;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The platform of an image in an index ({@code os/architecture[/variant]}, OCI image spec {@code
 * image-index.md}), for example {@code linux/amd64} or {@code linux/arm64/v8}.
 */
public record Platform(String os, String architecture, Optional<String> variant) {
  private static final Pattern PART = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  public Platform {
    os = part(os, "os");
    architecture = part(architecture, "architecture");
    variant = variant == null ? Optional.empty() : variant.map(v -> part(v, "variant"));
  }

  public Platform(String os, String architecture) {
    this(os, architecture, Optional.empty());
  }

  /**
   * Parses {@code os/architecture[/variant]}.
   *
   * @throws IllegalArgumentException naming the text when it has another shape
   */
  public static Platform parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("platform is missing; expected os/architecture[/variant]");
    }
    String[] parts = text.split("/", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw new IllegalArgumentException(
          "platform must be os/architecture[/variant], for example linux/amd64: " + shorten(text));
    }
    try {
      return new Platform(
          parts[0], parts[1], parts.length == 3 ? Optional.of(parts[2]) : Optional.empty());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "platform must be os/architecture[/variant]: " + shorten(text) + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * Whether an image of platform {@code candidate} serves a request for this platform: same os and
   * architecture, and when this one names a variant, the same variant. A missing variant on arm64
   * means {@code v8}, as containerd's platform matcher treats it.
   */
  public boolean accepts(Platform candidate) {
    if (!os.equals(candidate.os) || !architecture.equals(candidate.architecture)) {
      return false;
    }
    if (variant.isEmpty()) {
      return true;
    }
    return variant.get().equals(candidate.normalizedVariant().orElse(""));
  }

  private Optional<String> normalizedVariant() {
    if (variant.isEmpty() && architecture.equals("arm64")) {
      return Optional.of("v8");
    }
    return variant;
  }

  /** True for the placeholder platform of attestation manifests in Docker's indexes. */
  public boolean isUnknown() {
    return os.equals("unknown") || architecture.equals("unknown");
  }

  private static String part(String value, String name) {
    if (value == null) {
      throw new IllegalArgumentException("platform " + name + " is missing");
    }
    String lower = value.toLowerCase(Locale.ROOT);
    if (!PART.matcher(lower).matches()) {
      throw new IllegalArgumentException("platform " + name + " is not a name: " + shorten(value));
    }
    return lower;
  }

  private static String shorten(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }

  @Override
  public String toString() {
    return os + "/" + architecture + variant.map(v -> "/" + v).orElse("");
  }
}
