package io.layerswarm.registry;

/** Shortens untrusted input before it goes into an error message. */
final class Abbreviation {
  private static final int MAX = 80;

  private Abbreviation() {}

  static String of(String value) {
    if (value == null) {
      return "null";
    }
    return value.length() <= MAX
        ? value
        : value.substring(0, MAX) + "...(" + value.length() + " chars)";
  }
}
