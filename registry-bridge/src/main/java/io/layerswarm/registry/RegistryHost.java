package io.layerswarm.registry;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A registry host as clients name it, {@code host[:port]} (for example {@code 127.0.0.1:5000},
 * {@code ghcr.io}, {@code [::1]:5000}). The value is normalized: lowercase, and Docker Hub's
 * aliases ({@code index.docker.io}, {@code registry-1.docker.io}) become {@code docker.io}, so one
 * upstream has exactly one key.
 */
public record RegistryHost(String value) {
  private static final Set<String> DOCKER_HUB_ALIASES =
      Set.of("docker.io", "index.docker.io", "registry-1.docker.io");
  private static final String LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
  private static final Pattern GRAMMAR =
      Pattern.compile("(?:" + LABEL + "(?:\\." + LABEL + ")*|\\[[0-9a-f:.]+\\])(?::([0-9]{1,5}))?");

  // Declared after the patterns, which its constructor needs.
  /** Docker Hub, the host behind unqualified names such as {@code library/alpine}. */
  public static final RegistryHost DOCKER_HUB = new RegistryHost("docker.io");

  public RegistryHost {
    if (value == null) {
      throw new IllegalArgumentException("registry host is missing");
    }
    value = value.toLowerCase(Locale.ROOT);
    var matcher = GRAMMAR.matcher(value);
    if (value.length() > 255 || !matcher.matches()) {
      throw new IllegalArgumentException(
          "registry host must look like host[:port]: " + Abbreviation.of(value));
    }
    if (matcher.group(1) != null && Integer.parseInt(matcher.group(1)) > 65535) {
      throw new IllegalArgumentException("registry host has a port above 65535: " + value);
    }
    if (DOCKER_HUB_ALIASES.contains(value)) {
      value = "docker.io";
    }
  }

  /** Same as the constructor; reads better at call sites. */
  public static RegistryHost of(String value) {
    return new RegistryHost(value);
  }

  /** The {@code host[:port]} of a registry base URI, as clients would name it. */
  public static RegistryHost of(URI baseUri) {
    if (baseUri.getHost() == null) {
      throw new IllegalArgumentException("registry URI has no host: " + baseUri);
    }
    return new RegistryHost(
        baseUri.getPort() < 0 ? baseUri.getHost() : baseUri.getHost() + ":" + baseUri.getPort());
  }

  /** True when {@code value} parses as a registry host. */
  public static boolean isValid(String value) {
    try {
      new RegistryHost(value);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
