package io.layerswarm.registry.image;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RegistryHost;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.Tag;
import java.util.Objects;
import java.util.Optional;

/**
 * An image reference as users write it, {@code [registry-host/]repository[:tag][@sha256:hex]} (the
 * grammar of distribution's {@code reference} package). The first path component is a registry host
 * when it contains a '.' or a ':' or is {@code localhost}; otherwise the name has no host (a Docker
 * Hub-style name) and {@link #withDefaultRegistry} supplies one. On Docker Hub a one-component
 * repository lives under {@code library/}.
 *
 * @param registry empty for a name without a host
 * @param tag empty when none was written ({@link #reference} then means {@code latest}, unless a
 *     digest was written)
 * @param digest wins over the tag when both were written, as in Docker
 */
public record ImageReference(
    Optional<RegistryHost> registry,
    RepositoryName repository,
    Optional<Tag> tag,
    Optional<Digest> digest) {
  private static final String LIBRARY = "library/";
  private static final Tag LATEST = new Tag("latest");
  private static final int MAX_LENGTH = 1024;

  public ImageReference {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(digest, "digest");
  }

  /**
   * Parses a reference.
   *
   * @throws IllegalArgumentException naming the reference and the part that is wrong
   */
  public static ImageReference parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("image reference is empty");
    }
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "image reference is longer than " + MAX_LENGTH + " characters: " + shorten(text));
    }
    String rest = text;
    Optional<Digest> digest = Optional.empty();
    int at = rest.indexOf('@');
    if (at >= 0) {
      try {
        digest = Optional.of(Digest.parse(rest.substring(at + 1)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "image reference " + shorten(text) + ": bad digest: " + e.getMessage(), e);
      }
      rest = rest.substring(0, at);
    }
    Optional<Tag> tag = Optional.empty();
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      String tagText = rest.substring(colon + 1);
      if (!Tag.isValid(tagText)) {
        throw new IllegalArgumentException(
            "image reference " + shorten(text) + ": bad tag " + shorten(tagText));
      }
      tag = Optional.of(new Tag(tagText));
      rest = rest.substring(0, colon);
    }
    Optional<RegistryHost> registry = Optional.empty();
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        try {
          registry = Optional.of(RegistryHost.of(first));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "image reference " + shorten(text) + ": bad registry host: " + e.getMessage(), e);
        }
        rest = rest.substring(slash + 1);
      }
    }
    if (registry.isPresent()
        && registry.get().equals(RegistryHost.DOCKER_HUB)
        && rest.indexOf('/') < 0) {
      rest = LIBRARY + rest;
    }
    RepositoryName repository;
    try {
      repository = new RepositoryName(rest);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "image reference "
              + shorten(text)
              + ": bad repository name "
              + shorten(rest)
              + " (lowercase letters, digits and separators . _ __ - between them, components joined"
              + " by /)",
          e);
    }
    return new ImageReference(registry, repository, tag, digest);
  }

  /**
   * This reference with {@code defaultRegistry} when it names none. On Docker Hub a one-component
   * repository gets its {@code library/} prefix.
   */
  public ImageReference withDefaultRegistry(RegistryHost defaultRegistry) {
    if (registry.isPresent()) {
      return this;
    }
    RepositoryName repo = repository;
    if (defaultRegistry.equals(RegistryHost.DOCKER_HUB) && repo.value().indexOf('/') < 0) {
      repo = new RepositoryName(LIBRARY + repo.value());
    }
    return new ImageReference(Optional.of(defaultRegistry), repo, tag, digest);
  }

  /**
   * What to ask the registry's manifest endpoint for: the digest when there is one, else the tag,
   * else {@code latest}.
   */
  public String reference() {
    if (digest.isPresent()) {
      return digest.get().toString();
    }
    return tag.orElse(LATEST).value();
  }

  private static String shorten(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }

  /** The canonical text: {@code [host/]repo[:tag][@digest]}. */
  @Override
  public String toString() {
    return registry.map(r -> r + "/").orElse("")
        + repository
        + tag.map(t -> ":" + t).orElse("")
        + digest.map(d -> "@" + d).orElse("");
  }
}
