package io.layerswarm.tracker.announce;

/**
 * Unwinds a parser to its entry point, where it becomes a {@link Parsed.Invalid}. Never escapes
 * this package.
 */
final class InvalidParameterException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String parameter;

  InvalidParameterException(String parameter, String message) {
    super(message, null, false, false);
    this.parameter = parameter;
  }

  String parameter() {
    return parameter;
  }

  <T> Parsed<T> toParsed() {
    return Parsed.invalid(parameter, getMessage());
  }
}
