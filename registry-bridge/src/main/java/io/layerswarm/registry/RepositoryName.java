package io.layerswarm.registry;

import java.util.regex.Pattern;

/**
 * A repository name as the OCI distribution spec defines it: path components of lowercase
 * alphanumerics joined by separators, separated by '/'.
 */
public record RepositoryName(String value) {
  private static final Pattern GRAMMAR =
      Pattern.compile(
          "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
  private static final int MAX_LENGTH = 255;

  public RepositoryName {
    if (value == null || value.length() > MAX_LENGTH || !GRAMMAR.matcher(value).matches()) {
      throw new IllegalArgumentException("invalid repository name: " + value);
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
