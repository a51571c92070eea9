package io.layerswarm.core.auth;

import java.net.URI;

/**
 * Shapes values for log lines and error messages so that no secret reaches them. A URL may carry
 * credentials in its user info, and a query may carry tokens (old configs put a passkey in the path
 * or query), so only the scheme, host, port and path are ever shown. Text from the network is shown
 * escaped and bounded, so that it cannot forge log lines.
 */
public final class LogSafe {
  /** Most characters of outside text a log line shows. */
  public static final int MAX_TEXT = 200;

  private LogSafe() {}

  /**
   * Text another party sent (a tracker's warning, a peer's client name), for a log line: control
   * characters (line breaks, ANSI escapes, NUL, U+0080..U+009F, the line and paragraph separators,
   * surrogates) and backslashes as Java escapes (a line feed as backslash n, ESC as backslash
   * u001b), and at most {@link #MAX_TEXT} characters of it, then "...(N more)". So one remote
   * string stays one part of one log line, and cannot forge another.
   */
  public static String text(String text) {
    if (text == null) {
      return "null";
    }
    int shown = Math.min(text.length(), MAX_TEXT);
    StringBuilder out = new StringBuilder(shown + 16);
    for (int i = 0; i < shown; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isISOControl(c)
              || c == '\u2028'
              || c == '\u2029'
              || Character.isSurrogate(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    if (text.length() > shown) {
      out.append("...(").append(text.length() - shown).append(" more)");
    }
    return out.toString();
  }

  /** {@code scheme://host:port/path}, without user info, query or fragment. */
  public static String uri(URI uri) {
    if (uri == null) {
      return "null";
    }
    if (uri.getHost() == null) {
      // Not a server URL: show nothing that could be a secret.
      return uri.getScheme() == null ? "<relative URL>" : uri.getScheme() + ":<opaque>";
    }
    StringBuilder out = new StringBuilder();
    out.append(uri.getScheme()).append("://");
    String host = uri.getHost();
    out.append(host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host);
    if (uri.getPort() >= 0) {
      out.append(':').append(uri.getPort());
    }
    if (uri.getRawPath() != null) {
      out.append(uri.getRawPath());
    }
    return out.toString();
  }
}
