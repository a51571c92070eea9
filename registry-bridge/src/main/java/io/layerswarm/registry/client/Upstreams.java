package io.layerswarm.registry.client;

import io.layerswarm.registry.RegistryHost;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The configured upstream registries, keyed by the registry host clients name ({@code
 * 127.0.0.1:5000}, {@code docker.io}), plus the default host used for names that carry no host
 * (dockerd {@code registry-mirrors}, which only mirrors Docker Hub, and the direct form {@code
 * localhost:PORT/repo}). Keys are normalized with {@link RegistryHost}, so {@code docker.io},
 * {@code index.docker.io} and {@code registry-1.docker.io} are one key. Immutable and thread-safe.
 */
public final class Upstreams {
  private final Map<String, UpstreamRegistry> byHost;
  private final String defaultHost;

  private Upstreams(Map<String, UpstreamRegistry> byHost, String defaultHost) {
    this.byHost = Map.copyOf(byHost);
    this.defaultHost = defaultHost;
  }

  /**
   * @param defaultHost must be one of the keys of {@code upstreams}
   * @throws IllegalArgumentException naming the host that is invalid, missing or given twice
   */
  public static Upstreams of(
      String defaultHost, Map<String, ? extends UpstreamRegistry> upstreams) {
    Map<String, UpstreamRegistry> normalized = new LinkedHashMap<>();
    upstreams.forEach(
        (host, upstream) -> {
          String key = normalize(host, "upstream host");
          if (upstream == null) {
            throw new IllegalArgumentException("upstream for host " + host + " is missing");
          }
          if (normalized.put(key, upstream) != null) {
            throw new IllegalArgumentException(
                "upstream host " + host + " is configured twice (it is the same as " + key + ")");
          }
        });
    String defaultKey = normalize(defaultHost, "default upstream host");
    if (!normalized.containsKey(defaultKey)) {
      throw new IllegalArgumentException(
          "default upstream host "
              + defaultHost
              + " is not one of the configured upstreams "
              + normalized.keySet());
    }
    return new Upstreams(normalized, defaultKey);
  }

  /** One upstream, keyed by its base URI's {@code host[:port]}, which is also the default. */
  public static Upstreams single(UpstreamRegistry upstream) {
    String host = RegistryHost.of(upstream.baseUri()).value();
    return new Upstreams(Map.of(host, upstream), host);
  }

  /** The upstream for {@code host} (any alias or case), empty if none is configured or invalid. */
  public Optional<UpstreamRegistry> forHost(String host) {
    if (host == null || !RegistryHost.isValid(host)) {
      return Optional.empty();
    }
    return Optional.ofNullable(byHost.get(RegistryHost.of(host).value()));
  }

  /**
   * The upstream for a route's namespace: the default upstream when there is none, else {@link
   * #forHost}.
   */
  public Optional<UpstreamRegistry> forNamespace(Optional<String> namespace) {
    return namespace.isEmpty() ? Optional.of(defaultUpstream()) : forHost(namespace.get());
  }

  /** The normalized default host. */
  public String defaultHost() {
    return defaultHost;
  }

  public UpstreamRegistry defaultUpstream() {
    return byHost.get(defaultHost);
  }

  /** The normalized hosts. */
  public Set<String> hosts() {
    return byHost.keySet();
  }

  private static String normalize(String host, String what) {
    try {
      return RegistryHost.of(host).value();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " is invalid: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "Upstreams[default=" + defaultHost + ", hosts=" + byHost.keySet() + "]";
  }
}
