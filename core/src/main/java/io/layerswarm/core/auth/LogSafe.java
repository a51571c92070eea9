package io.layerswarm.core.auth;

import java.net.URI;

/**
 * Shapes values for log lines and error messages so that no secret reaches them. A URL may carry
 * credentials in its user info, and a query may carry tokens (old configs put a passkey in the path
 * or query), so only the scheme, host, port and path are ever shown.
 */
public final class LogSafe {
  private LogSafe() {}

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
