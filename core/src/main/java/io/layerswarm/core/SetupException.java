package io.layerswarm.core;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A daemon cannot start because of how the host is set up: a port in use, a directory it may not
 * create. Restarting cannot help until an admin acts, so the daemons exit 78 (a config error) and
 * print the message alone, which names the config key, the value and the fix, in one line.
 */
public final class SetupException extends IOException {
  private static final long serialVersionUID = 1L;

  public SetupException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A listener of {@code key} could not bind {@code address}: in use, or not this host's. */
  public static SetupException cannotListen(
      String key, InetSocketAddress address, Throwable cause) {
    return new SetupException(
        key
            + ": cannot listen on "
            + Listening.hostPort(address)
            + ": "
            + reason(cause)
            + "; stop what holds that port, or set another "
            + key,
        cause);
  }

  /** The innermost message, e.g. "Address already in use", without Netty's system call. */
  static String reason(Throwable cause) {
    String reason = null;
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        reason = t.getMessage();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    if (reason == null) {
      return cause == null ? "unknown error" : cause.getClass().getSimpleName();
    }
    // Netty's native transport: "bind(..) failed with error(-98): Address already in use".
    int colon = reason.lastIndexOf(": ");
    return reason.startsWith("bind(") && colon > 0 ? reason.substring(colon + 2) : reason;
  }
}
