package io.layerswarm.agent.proxy;

import io.layerswarm.registry.RegistryHost;
import java.util.Optional;
import java.util.Set;

/**
 * What the proxy does with one {@code CONNECT host:port}: a pure function of the target, the
 * registry hosts of {@code upstreams} (normalized, as {@link RegistryHost} writes them) and the
 * policy for other hosts.
 */
sealed interface ConnectDecision {
  /** Answer it ourselves: TLS as {@code tlsName}, requests served for upstream {@code registry}. */
  record Intercept(String tlsName, String registry) implements ConnectDecision {}

  /** Pass the bytes through to {@code host:port} untouched. */
  record Tunnel(String host, int port) implements ConnectDecision {}

  /** Answer {@code status} with {@code reason}. */
  record Refuse(int status, String reason) implements ConnectDecision {}

  static ConnectDecision decide(String target, Set<String> registries, boolean tunnelOthers) {
    int colon = target.lastIndexOf(':');
    if (colon <= 0 || colon == target.length() - 1 || target.startsWith("[")) {
      return new Refuse(
          400,
          "CONNECT needs host:port (IPv6 literals are not supported), got '" + clip(target) + "'");
    }
    String host = target.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(target.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      return new Refuse(400, "CONNECT port must be 1..65535, got '" + clip(target) + "'");
    }
    Optional<String> registry = registry(host + ":" + port, registries);
    if (registry.isEmpty() && port == 443) {
      registry = registry(host, registries);
    }
    if (registry.isPresent()) {
      return new Intercept(host.toLowerCase(java.util.Locale.ROOT), registry.get());
    }
    if (tunnelOthers) {
      return new Tunnel(host, port);
    }
    return new Refuse(
        403,
        "this proxy serves only the registries in upstreams "
            + registries
            + " (agent.https-proxy-other-hosts is refuse)");
  }

  private static Optional<String> registry(String candidate, Set<String> registries) {
    if (!RegistryHost.isValid(candidate)) {
      return Optional.empty();
    }
    String normalized = RegistryHost.of(candidate).value();
    return registries.contains(normalized) ? Optional.of(normalized) : Optional.empty();
  }

  private static String clip(String s) {
    return s.length() > 100 ? s.substring(0, 100) + "..." : s;
  }
}
