package io.layerswarm.testbed;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps real container clients from reaching beyond 127.0.0.1 when something goes wrong. dockerd
 * falls back to {@code registry-1.docker.io} when its mirror answers 404 or fails, containerd falls
 * back to the {@code server} of a hosts.toml, podman to the primary location of a registries.conf
 * entry: each of those would send a DNS query outside the machine. With these variables the clients
 * (all Go, all using {@code http.ProxyFromEnvironment}) send every non-loopback request to a proxy
 * on a closed loopback port instead, so the fallback fails at once with "proxyconnect ...
 * connection refused" and nothing leaves the host. Loopback addresses are never proxied by Go, so
 * the agent and the origin are reached directly.
 */
public final class LoopbackOnly {

  private static final int CLOSED_PORT = FreePorts.pick();

  private LoopbackOnly() {}

  /**
   * {@code HTTP(S)_PROXY} (both spellings) at a closed 127.0.0.1 port, {@code NO_PROXY} for
   * loopback.
   */
  public static Map<String, String> proxyEnvironment() {
    String proxy = "http://127.0.0.1:" + CLOSED_PORT;
    String noProxy = "127.0.0.1,localhost";
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HTTP_PROXY", proxy);
    env.put("HTTPS_PROXY", proxy);
    env.put("http_proxy", proxy);
    env.put("https_proxy", proxy);
    env.put("NO_PROXY", noProxy);
    env.put("no_proxy", noProxy);
    return env;
  }

  /** The loopback port the proxy variables point at; nothing is meant to listen there. */
  public static int closedPort() {
    return CLOSED_PORT;
  }
}
