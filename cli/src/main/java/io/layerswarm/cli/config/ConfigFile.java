package io.layerswarm.cli.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The YAML config file as written by the admin: every daemon reads its own section plus {@code
 * upstreams} and {@code cluster}. Values stay strings here; {@link Settings} parses them and names
 * the key on error. Absent keys are null and take their defaults in {@link Settings}.
 */
public record ConfigFile(
    List<Upstream> upstreams, Cluster cluster, Tracker tracker, Seeder seeder, Agent agent) {

  public static ConfigFile empty() {
    return new ConfigFile(null, null, null, null, null);
  }

  /**
   * What every member of the cluster shares. {@code secret-file} names the file of the cluster
   * secret (the path, never the secret, is in the config); empty is open mode.
   */
  public record Cluster(String secretFile) {}

  /** One upstream registry. {@code host} is the name clients use for it, e.g. docker.io. */
  public record Upstream(
      String host,
      String url,
      @JsonProperty("default") Boolean isDefault,
      String username,
      String password,
      String dockerConfig,
      String caFile) {}

  public record Tracker(
      String listen,
      String announceInterval,
      String minAnnounceInterval,
      String peerTtl,
      Integer defaultNumwant,
      Integer maxNumwant,
      List<String> seeders,
      String redis,
      String passkey,
      Integer ringReplicas,
      String adminListen,
      String adminToken,
      String adminTlsCert,
      String adminTlsKey,
      Boolean adminAllowUnauthenticated,
      List<String> trustedProxies,
      Integer maxSwarms,
      Integer maxPeers,
      Integer maxPeersPerSwarm,
      Integer maxPeersPerAddress,
      Integer maxConnections,
      Integer maxConnectionsPerAddress,
      String idleTimeout) {}

  public record Seeder(
      String listen,
      String peerListen,
      String dataDir,
      List<String> trackers,
      String uploadRate,
      String originTimeout,
      String adminListen,
      String adminToken,
      String diskHighWatermark,
      String diskLowWatermark,
      String timeToIdle,
      List<String> ring,
      String advertiseUrl,
      Integer ringReplicas,
      String adminTlsCert,
      String adminTlsKey,
      String notificationsTokenFile,
      String originMinRate,
      String diskFreeMin,
      Boolean adminAllowUnauthenticated,
      String zone,
      String rack,
      String preheatApiTokenFile,
      String inlineMaxBytes) {}

  public record Agent(
      String listen,
      String peerListen,
      String dataDir,
      List<String> trackers,
      String swarmDeadline,
      String uploadRate,
      String downloadRate,
      String adminSocket,
      String cacheMaxBytes,
      Integer cacheHighWatermark,
      Integer cacheLowWatermark,
      String cacheTimeToIdle,
      String metricsListen,
      String originTimeout,
      String originMinRate,
      String diskFreeMin,
      String zone,
      String rack,
      List<PinEntry> pins,
      String pinsRefresh,
      String httpsProxyListen,
      String httpsProxyOtherHosts,
      String fleetPoll) {}

  /**
   * One {@code agent.pins} entry: a plain string (the reference, host platform) or a map {@code
   * {ref: ..., platform: os/arch[/variant]}}.
   */
  public record PinEntry(String ref, String platform) {
    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public PinEntry(@JsonProperty("ref") String ref, @JsonProperty("platform") String platform) {
      this.ref = ref;
      this.platform = platform;
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static PinEntry of(String ref) {
      return new PinEntry(ref, null);
    }
  }
}
