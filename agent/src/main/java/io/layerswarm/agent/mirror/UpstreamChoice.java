package io.layerswarm.agent.mirror;

import io.layerswarm.registry.client.UpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import java.util.Optional;

/**
 * The upstream a request goes to, and the registry host it is known by (sent to the trackers so the
 * seeders pull from the same registry).
 *
 * @param host normalized {@code host[:port]}
 */
record UpstreamChoice(String host, UpstreamRegistry registry) {

  /**
   * The upstream for a route's namespace (containerd {@code ?ns=}, podman prefix), or the default
   * upstream when the route has none (dockerd mirror, direct {@code localhost:PORT/repo}).
   */
  static UpstreamChoice of(Upstreams upstreams, Optional<String> namespace)
      throws UnknownRegistryException {
    if (namespace.isEmpty()) {
      return new UpstreamChoice(upstreams.defaultHost(), upstreams.defaultUpstream());
    }
    String host = namespace.get();
    UpstreamRegistry registry =
        upstreams
            .forHost(host)
            .orElseThrow(
                () ->
                    new UnknownRegistryException(
                        "registry host "
                            + host
                            + " is not an upstream of this agent"
                            + " (configured: "
                            + upstreams.hosts()
                            + ")"));
    return new UpstreamChoice(io.layerswarm.registry.RegistryHost.of(host).value(), registry);
  }

  /** For messages: the host and base URI. */
  String describe() {
    return host + " (" + registry.baseUri() + ")";
  }
}
