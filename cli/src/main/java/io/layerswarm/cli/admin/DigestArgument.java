package io.layerswarm.cli.admin;

import io.layerswarm.core.Digest;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** A blob digest argument: {@code sha256:<64 hex>} or the bare hex. */
final class DigestArgument {
  private DigestArgument() {}

  /**
   * The digest argument of the agent's peers and evict, as {@code layerswarm torrents --json} shows
   * it.
   *
   * @throws ParameterException (exit code 2) naming the argument when it is not a digest
   */
  static Digest parse(CommandSpec spec, String text) {
    return parse(spec, "DIGEST", text, " as `layerswarm torrents --json` shows it");
  }

  /**
   * @param label the argument's name in the message, e.g. {@code --digest}
   * @param hint appended to the message, e.g. where to find digests; may be empty
   * @throws ParameterException (exit code 2) naming the argument when it is not a digest
   */
  static Digest parse(CommandSpec spec, String label, String text, String hint) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    if (!value.contains(":")) {
      value = "sha256:" + value;
    }
    try {
      return Digest.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(),
          label + ": '" + text + "' is not a blob digest; write sha256:<64 hex characters>" + hint);
    }
  }
}
