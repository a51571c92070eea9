package io.layerswarm.tracker.announce;

/**
 * The outcome of parsing untrusted input: a value, or which parameter was wrong and why. A bad
 * query is an expected outcome, so it is a value and not an exception.
 */
public sealed interface Parsed<T> {
  record Valid<T>(T value) implements Parsed<T> {}

  /**
   * @param parameter the offending parameter's name, as it appears in the query
   * @param message a sentence for the client that names the parameter
   */
  record Invalid<T>(String parameter, String message) implements Parsed<T> {}

  static <T> Parsed<T> valid(T value) {
    return new Valid<>(value);
  }

  static <T> Parsed<T> invalid(String parameter, String message) {
    return new Invalid<>(parameter, message);
  }
}
