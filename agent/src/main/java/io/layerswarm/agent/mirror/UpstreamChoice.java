package io.layerswarm.agent.mirror;

import io.layerswarm.registry.RegistryHost;
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
   * The upstream for the registry a client named (containerd {@code ?ns=}, podman prefix), or the
   * default upstream when it named none (dockerd mirror, direct {@code localhost:PORT/repo}).
   */
  static UpstreamChoice of(Upstreams upstreams, Optional<RegistryHost> named)
      throws UnknownRegistryException {
    if (named.isEmpty()) {
      return new UpstreamChoice(upstreams.defaultHost(), upstreams.defaultUpstream());
    }
    RegistryHost host = named.get();
    UpstreamRegistry registry =
        upstreams
            .forHost(host.value())
            .orElseThrow(
                () ->
                    new UnknownRegistryException(
                        "registry host "
                            + host
                            + " is not an upstream of this agent"
                            + " (configured: "
                            + upstreams.hosts()
                            + ")"));
    return new UpstreamChoice(host.value(), registry);
  }

  /** For messages: the host and base URI. */
  String describe() {
    return host + " (" + registry.baseUri() + ")";
  }
}
