package io.layerswarm.agent.proxy;

import java.net.InetSocketAddress;

/**
 * {@code agent.https-proxy-listen} and {@code agent.https-proxy-other-hosts}.
 *
 * @param listen a loopback address: a proxy that can tunnel to any host must not be reachable from
 *     the network, and what it intercepts is served with the agent's registry credentials
 * @param tunnelOthers whether a {@code CONNECT} to a host that is not an upstream registry is
 *     tunnelled ({@code tunnel}, the default) or refused ({@code refuse})
 */
public record HttpsProxyConfig(InetSocketAddress listen, boolean tunnelOthers) {
  public HttpsProxyConfig {
    if (listen == null) {
      throw new IllegalArgumentException("agent.https-proxy-listen is required");
    }
    if (listen.isUnresolved() || !listen.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException(
          "agent.https-proxy-listen must be a loopback address such as 127.0.0.1:5051, got "
              + listen.getHostString()
              + ":"
              + listen.getPort()
              + ": the proxy tunnels to any host and serves registries with the agent's"
              + " credentials");
    }
  }
}
