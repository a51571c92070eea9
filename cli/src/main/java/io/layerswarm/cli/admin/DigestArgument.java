package io.layerswarm.cli.admin;

import io.layerswarm.core.Digest;
import io.layerswarm.proto.admin.TorrentInfo;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** A blob digest argument: {@code sha256:<64 hex>} or the bare hex. */
final class DigestArgument {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{1,64}");

  /** How many matching blobs an ambiguous prefix lists. */
  private static final int MAX_LISTED = 10;

  private DigestArgument() {}

  /**
   * The digest argument of the agent's peers and evict: a full digest, or any prefix of one (as git
   * and docker accept), with or without {@code sha256:}, so the short digests of {@code layerswarm
   * torrents} work. Checked before the agent is asked; {@link #resolve} then names the blob.
   *
   * @return the lowercase hex, 1 to 64 characters
   * @throws ParameterException (exit code 2) when the text is no digest or prefix of one
   */
  static String prefix(CommandSpec spec, String text) {
    String hex = text.trim().toLowerCase(Locale.ROOT);
    if (hex.startsWith("sha256:")) {
      hex = hex.substring("sha256:".length());
    }
    if (!HEX.matcher(hex).matches()) {
      throw new ParameterException(
          spec.commandLine(),
          "DIGEST: '"
              + text
              + "' is not a blob digest; write sha256:<hex>, the whole digest or a prefix of it,"
              + " as `layerswarm torrents` shows it");
    }
    return hex;
  }

  /**
   * The blob a {@link #prefix} names. A whole digest is taken as is, without asking the agent's
   * list: evict also takes cached blobs that have no torrent. A shorter prefix must match exactly
   * one torrent of the agent.
   *
   * @param text the argument as given, for messages
   * @throws ParameterException (exit code 2) when the prefix matches several torrents; the message
   *     lists them
   * @throws AgentNotFoundException (exit code 4) when no torrent matches the prefix
   */
  static Digest resolve(CommandSpec spec, String text, String hex, AgentClient agent)
      throws AdminException {
    if (hex.length() == 64) {
      return new Digest("sha256", hex);
    }
    return match(spec, text, hex, agent.torrents().getTorrentsList());
  }

  private static Digest match(CommandSpec spec, String text, String hex, List<TorrentInfo> list)
      throws AgentNotFoundException {
    String prefix = "sha256:" + hex;
    List<String> matches =
        list.stream()
            .map(TorrentInfo::getDigest)
            .filter(d -> d.startsWith(prefix))
            .distinct()
            .sorted()
            .toList();
    if (matches.isEmpty()) {
      throw new AgentNotFoundException(
          "no torrent of the agent has a digest starting with "
              + prefix
              + " (`layerswarm torrents` lists them; a cached blob without a torrent needs its"
              + " whole digest)",
          null);
    }
    if (matches.size() > 1) {
      StringBuilder message =
          new StringBuilder("DIGEST: '")
              .append(text)
              .append("' is ambiguous: ")
              .append(matches.size())
              .append(" torrents of the agent match; give more characters");
      matches.stream().limit(MAX_LISTED).forEach(d -> message.append("\n  ").append(d));
      if (matches.size() > MAX_LISTED) {
        message.append("\n  and ").append(matches.size() - MAX_LISTED).append(" more");
      }
      throw new ParameterException(spec.commandLine(), message.toString());
    }
    return Digest.parse(matches.get(0));
  }

  /**
   * A whole digest, for the commands of a seeder or tracker (their lists are not the agent's).
   *
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
