package io.layerswarm.cli.admin;

import io.layerswarm.core.Digest;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The blob digest argument of peers and evict: {@code sha256:<64 hex>} or the bare hex. */
final class DigestArgument {
  private DigestArgument() {}

  /**
   * @throws ParameterException (exit code 2) naming the argument when it is not a digest
   */
  static Digest parse(CommandSpec spec, String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    if (!value.contains(":")) {
      value = "sha256:" + value;
    }
    try {
      return Digest.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(),
          "DIGEST: '"
              + text
              + "' is not a blob"
              + " digest; write sha256:<64 hex characters> as `layerswarm torrents --json` shows it");
    }
  }
}
