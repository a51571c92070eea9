package io.layerswarm.cli.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.util.List;

/**
 * Writes the effective config as YAML, with passwords, the old passkey and tokens masked. Secrets
 * that live in files ({@code cluster.secret-file}, {@code seeder.notifications-token-file}) show as
 * their paths: this class never reads them.
 */
public final class ConfigPrinter {
  private static final ObjectMapper YAML =
      new ObjectMapper(
              new YAMLFactory()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
          .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
          .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private ConfigPrinter() {}

  public static String yaml(ConfigFile file) {
    List<ConfigFile.Upstream> masked =
        file.upstreams() == null
            ? null
            : file.upstreams().stream()
                .map(
                    u ->
                        new ConfigFile.Upstream(
                            u.host(),
                            u.url(),
                            u.isDefault(),
                            u.username(),
                            u.password() == null ? null : "********",
                            u.dockerConfig(),
                            u.caFile()))
                .toList();
    ConfigFile.Tracker t = file.tracker();
    ConfigFile.Tracker tracker =
        t == null
            ? null
            : new ConfigFile.Tracker(
                t.listen(),
                t.announceInterval(),
                t.minAnnounceInterval(),
                t.peerTtl(),
                t.defaultNumwant(),
                t.maxNumwant(),
                t.seeders(),
                t.redis() == null ? null : t.redis().replaceAll("//[^@/]*@", "//********@"),
                t.passkey() == null ? null : "********",
                t.ringReplicas(),
                t.adminListen(),
                t.adminToken() == null || t.adminToken().isEmpty() ? t.adminToken() : "********",
                t.adminTlsCert(),
                t.adminTlsKey(),
                t.adminAllowUnauthenticated(),
                t.trustedProxies(),
                t.maxSwarms(),
                t.maxPeers(),
                t.maxPeersPerSwarm(),
                t.maxPeersPerAddress(),
                t.maxConnections(),
                t.maxConnectionsPerAddress(),
                t.idleTimeout());
    ConfigFile.Seeder s = file.seeder();
    ConfigFile.Seeder seeder =
        s == null
            ? null
            : new ConfigFile.Seeder(
                s.listen(),
                s.peerListen(),
                s.dataDir(),
                s.trackers(),
                s.uploadRate(),
                s.originTimeout(),
                s.adminListen(),
                s.adminToken() == null || s.adminToken().isEmpty() ? s.adminToken() : "********",
                s.diskHighWatermark(),
                s.diskLowWatermark(),
                s.timeToIdle(),
                s.ring(),
                s.advertiseUrl(),
                s.ringReplicas(),
                s.adminTlsCert(),
                s.adminTlsKey(),
                s.notificationsTokenFile(),
                s.originMinRate(),
                s.diskFreeMin(),
                s.adminAllowUnauthenticated(),
                s.zone(),
                s.rack(),
                s.preheatApiTokenFile(),
                s.inlineMaxBytes());
    try {
      return YAML.writeValueAsString(
          new ConfigFile(masked, file.cluster(), tracker, seeder, file.agent()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("config records always serialize", e);
    }
  }
}
