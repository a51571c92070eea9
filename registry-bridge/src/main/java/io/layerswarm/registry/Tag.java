package io.layerswarm.registry;

import java.util.regex.Pattern;

/**
 * A manifest tag as the OCI distribution spec defines it: {@code
 * [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}}.
 */
public record Tag(String value) {
  private static final Pattern GRAMMAR = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

  public Tag {
    if (!isValid(value)) {
      throw new IllegalArgumentException("invalid tag: " + Abbreviation.of(value));
    }
  }

  /** True when {@code value} matches the tag grammar. */
  public static boolean isValid(String value) {
    return value != null && GRAMMAR.matcher(value).matches();
  }

  @Override
  public String toString() {
    return value;
  }
}
