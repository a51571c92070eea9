package io.layerswarm.cli.config;

import io.layerswarm.core.disk.FreeSpaceFloor;
import io.layerswarm.core.metainfo.MetainfoAnswer;
import io.layerswarm.seeder.SeederConfig;
import io.layerswarm.tracker.http.ConnectionLimits;
import io.layerswarm.tracker.peerstore.PeerLimits;
import java.util.List;

/**
 * The default of every key, in one place: {@link #apply} fills them into a file so {@code
 * --print-config} shows exactly what runs.
 */
final class ConfigDefaults {
  static final String DEFAULT_TRACKER_LISTEN = "127.0.0.1:6969";
  static final String DEFAULT_SEEDER_LISTEN = "127.0.0.1:6970";
  static final String DEFAULT_AGENT_LISTEN = "127.0.0.1:5050";

  /**
   * Peer ports in open mode: on loopback unless configured, because without a cluster secret a peer
   * port hands a blob to anyone who knows its info hash (decision 14).
   */
  static final String DEFAULT_SEEDER_PEER_LISTEN = "127.0.0.1:6881";

  static final String DEFAULT_AGENT_PEER_LISTEN = "127.0.0.1:6882";

  /**
   * Peer ports with a cluster secret: on every interface, since only members get past the
   * handshake, and hosts of a cluster must reach each other's peer ports.
   */
  static final String MEMBERS_SEEDER_PEER_LISTEN = "0.0.0.0:6881";

  static final String MEMBERS_AGENT_PEER_LISTEN = "0.0.0.0:6882";

  /** Owners per digest, for {@code seeder.ring-replicas} and {@code tracker.ring-replicas}. */
  static final int DEFAULT_RING_REPLICAS = SeederConfig.DEFAULT_RING_REPLICAS;

  /** The largest count any of the tracker's limits takes. */
  static final int MAX_LIMIT = 100_000_000;

  /** {@code agent.fleet-poll}'s default: how often an idle agent asks for fleet preheats. */
  static final String DEFAULT_FLEET_POLL = "15s";

  private ConfigDefaults() {}

  /** The file with every absent key set to its default. */
  static ConfigFile apply(ConfigFile f) {
    ConfigFile.Tracker t =
        f.tracker() == null
            ? new ConfigFile.Tracker(
                null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null)
            : f.tracker();
    ConfigFile.Seeder s =
        f.seeder() == null
            ? new ConfigFile.Seeder(
                null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null)
            : f.seeder();
    ConfigFile.Agent a =
        f.agent() == null
            ? new ConfigFile.Agent(
                null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null)
            : f.agent();
    List<String> trackers = List.of("http://" + or(t.listen(), DEFAULT_TRACKER_LISTEN));
    // One file for the whole cluster: the tracker asks the seeders of the ring, with their R.
    List<String> seeders =
        s.ring() != null && !s.ring().isEmpty()
            ? s.ring()
            : List.of("http://" + or(s.listen(), DEFAULT_SEEDER_LISTEN));
    int replicas = or(t.ringReplicas(), or(s.ringReplicas(), DEFAULT_RING_REPLICAS));
    int seederReplicas = or(s.ringReplicas(), or(t.ringReplicas(), DEFAULT_RING_REPLICAS));
    String secretFile =
        f.cluster() == null || f.cluster().secretFile() == null ? "" : f.cluster().secretFile();
    boolean members = !secretFile.isBlank();
    return new ConfigFile(
        f.upstreams() == null ? List.of() : f.upstreams(),
        new ConfigFile.Cluster(secretFile),
        new ConfigFile.Tracker(
            or(t.listen(), DEFAULT_TRACKER_LISTEN),
            or(t.announceInterval(), "30s"),
            or(t.minAnnounceInterval(), "5s"),
            or(t.peerTtl(), "90s"),
            or(t.defaultNumwant(), 50),
            or(t.maxNumwant(), 200),
            or(t.seeders(), seeders),
            t.redis(),
            t.passkey(),
            replicas,
            or(t.adminListen(), ""),
            t.adminToken(),
            or(t.adminTlsCert(), ""),
            or(t.adminTlsKey(), ""),
            or(t.adminAllowUnauthenticated(), false),
            or(t.trustedProxies(), List.of()),
            or(t.maxSwarms(), PeerLimits.DEFAULTS.maxSwarms()),
            or(t.maxPeers(), PeerLimits.DEFAULTS.maxPeers()),
            or(t.maxPeersPerSwarm(), PeerLimits.DEFAULTS.maxPeersPerSwarm()),
            or(t.maxPeersPerAddress(), PeerLimits.DEFAULTS.maxPeersPerAddress()),
            or(t.maxConnections(), ConnectionLimits.DEFAULTS.maxConnections()),
            or(t.maxConnectionsPerAddress(), ConnectionLimits.DEFAULTS.maxConnectionsPerAddress()),
            or(t.idleTimeout(), ConnectionLimits.DEFAULTS.idleTimeout().toSeconds() + "s")),
        new ConfigFile.Seeder(
            or(s.listen(), DEFAULT_SEEDER_LISTEN),
            or(s.peerListen(), members ? MEMBERS_SEEDER_PEER_LISTEN : DEFAULT_SEEDER_PEER_LISTEN),
            or(s.dataDir(), "/var/lib/layerswarm/seeder"),
            or(s.trackers(), trackers),
            or(s.uploadRate(), "0"),
            or(s.originTimeout(), "30s"),
            or(s.adminListen(), ""),
            s.adminToken(),
            or(s.diskHighWatermark(), "0"),
            or(s.diskLowWatermark(), "0"),
            or(s.timeToIdle(), "0s"),
            or(s.ring(), List.of()),
            or(s.advertiseUrl(), ""),
            seederReplicas,
            or(s.adminTlsCert(), ""),
            or(s.adminTlsKey(), ""),
            or(s.notificationsTokenFile(), ""),
            or(s.originMinRate(), "16KiB"),
            or(s.diskFreeMin(), FreeSpaceFloor.DEFAULT.toString()),
            or(s.adminAllowUnauthenticated(), false),
            s.zone(),
            s.rack(),
            or(s.preheatApiTokenFile(), ""),
            or(s.inlineMaxBytes(), MetainfoAnswer.DEFAULT_INLINE_MAX_BYTES / 1024 + "KiB")),
        new ConfigFile.Agent(
            or(a.listen(), DEFAULT_AGENT_LISTEN),
            or(a.peerListen(), members ? MEMBERS_AGENT_PEER_LISTEN : DEFAULT_AGENT_PEER_LISTEN),
            or(a.dataDir(), "/var/lib/layerswarm/agent"),
            or(a.trackers(), trackers),
            or(a.swarmDeadline(), "60s"),
            or(a.uploadRate(), "0"),
            or(a.downloadRate(), "0"),
            or(a.adminSocket(), Settings.DEFAULT_ADMIN_SOCKET),
            or(a.cacheMaxBytes(), "10GiB"),
            or(a.cacheHighWatermark(), 90),
            or(a.cacheLowWatermark(), 75),
            or(a.cacheTimeToIdle(), "0s"),
            or(a.metricsListen(), ""),
            or(a.originTimeout(), "30s"),
            or(a.originMinRate(), "16KiB"),
            or(a.diskFreeMin(), FreeSpaceFloor.DEFAULT.toString()),
            a.zone(),
            a.rack(),
            PinSettings.effective(a.pins()),
            or(a.pinsRefresh(), PinSettings.DEFAULT_REFRESH),
            or(a.httpsProxyListen(), ""),
            or(a.httpsProxyOtherHosts(), "tunnel"),
            or(a.fleetPoll(), DEFAULT_FLEET_POLL)));
  }

  private static <T> T or(T value, T fallback) {
    return value == null ? fallback : value;
  }
}
