package io.layerswarm.core;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** How a daemon names the address it listens on: as the admin wrote it, with the bound port. */
public final class Listening {
  private Listening() {}

  /**
   * The address to report for a listener configured at {@code configured} and bound at {@code
   * local}. A wildcard keeps the configured form: the JVM reports {@code 0.0.0.0} bound on a
   * dual-stack socket as {@code ::}, which is not what the config (or the docs) say.
   */
  public static InetSocketAddress bound(InetSocketAddress configured, SocketAddress local) {
    InetSocketAddress inet = (InetSocketAddress) local;
    InetAddress host = inet.getAddress();
    if (host != null && host.isAnyLocalAddress() && configured.getAddress() != null) {
      return new InetSocketAddress(configured.getAddress(), inet.getPort());
    }
    return inet;
  }

  /** {@code 0.0.0.0:6882}, {@code [::]:6882}, {@code 127.0.0.1:5050}: no leading slash. */
  public static String hostPort(InetSocketAddress address) {
    InetAddress host = address.getAddress();
    String name;
    if (host == null) {
      name = address.getHostString();
    } else if (host instanceof Inet6Address) {
      name = "[" + (host.isAnyLocalAddress() ? "::" : host.getHostAddress()) + "]";
    } else {
      name = host.getHostAddress();
    }
    return name + ":" + address.getPort();
  }
}
