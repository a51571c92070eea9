package io.layerswarm.cli.config;

import io.layerswarm.registry.RegistryHost;
import io.layerswarm.registry.client.Credentials;
import io.layerswarm.registry.client.DockerConfigCredentials;
import io.layerswarm.registry.client.HttpUpstreamRegistry;
import io.layerswarm.registry.client.TrustedCertificates;
import io.layerswarm.registry.client.UpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code upstreams}: each entry checked and built into a registry client. Errors name the entry's
 * key; {@link Settings#upstreams} adds the file name.
 */
final class UpstreamSettings {
  private UpstreamSettings() {}

  /** The registries in {@code list}; exactly one may be the default (the first if none is). */
  static Upstreams upstreams(List<ConfigFile.Upstream> list, String userAgent)
      throws ConfigException {
    if (list.isEmpty()) {
      throw new ConfigException(
          "upstreams: at least one upstream registry is required"
              + " (or pass --upstream http://HOST:PORT)");
    }
    Map<String, UpstreamRegistry> byHost = new LinkedHashMap<>();
    String defaultHost = null;
    for (int i = 0; i < list.size(); i++) {
      ConfigFile.Upstream u = list.get(i);
      String key = "upstreams[" + i + "]";
      if (u.url() == null) {
        throw new ConfigException(key + ".url is required");
      }
      URI url = Values.httpUrl(key + ".url", u.url());
      if (url.getRawQuery() != null) {
        // Registry paths are appended to the URL; a query would end up in the middle of them.
        throw new ConfigException(key + ".url: '" + u.url() + "' has a '?query'; remove it");
      }
      String host;
      try {
        host = u.host() == null ? RegistryHost.of(url).value() : RegistryHost.of(u.host()).value();
      } catch (IllegalArgumentException e) {
        throw new ConfigException(key + ".host: " + e.getMessage());
      }
      if (byHost.containsKey(host)) {
        throw new ConfigException(key + ".host: " + host + " is configured twice");
      }
      if (u.username() != null && u.dockerConfig() != null) {
        throw new ConfigException(
            key + ".docker-config: give either username/password or docker-config, not both");
      }
      if ((u.username() == null) != (u.password() == null)) {
        throw new ConfigException(key + ": username and password must be given together");
      }
      Credentials credentials;
      try {
        credentials = u.username() == null ? null : new Credentials(u.username(), u.password());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(key + ".username: " + e.getMessage());
      }
      if (u.dockerConfig() != null) {
        String registryName = u.host() == null ? host : u.host();
        try {
          credentials =
              DockerConfigCredentials.forHost(
                      Values.path(key + ".docker-config", u.dockerConfig()), registryName)
                  .orElseThrow(
                      () ->
                          new ConfigException(
                              key
                                  + ".docker-config: "
                                  + u.dockerConfig()
                                  + " has no credentials for "
                                  + registryName));
        } catch (IOException e) {
          throw new ConfigException(key + ".docker-config: " + e.getMessage(), e);
        }
      }
      HttpUpstreamRegistry.Builder client = HttpUpstreamRegistry.builder(url).userAgent(userAgent);
      if (credentials != null) {
        client.credentials(credentials);
      }
      if (u.caFile() != null) {
        try {
          client.sslContext(TrustedCertificates.fromPem(Values.path(key + ".ca-file", u.caFile())));
        } catch (IOException e) {
          throw new ConfigException(key + ".ca-file: " + e.getMessage(), e);
        }
      }
      byHost.put(host, client.build());
      if (Boolean.TRUE.equals(u.isDefault())) {
        if (defaultHost != null) {
          throw new ConfigException(key + ".default: only one upstream can be the default");
        }
        defaultHost = host;
      }
    }
    return Upstreams.of(
        defaultHost == null ? byHost.keySet().iterator().next() : defaultHost, byHost);
  }
}
