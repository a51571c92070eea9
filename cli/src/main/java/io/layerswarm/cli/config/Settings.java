package io.layerswarm.cli.config;

import io.layerswarm.admin.AdminTls;
import io.layerswarm.agent.AgentConfig;
import io.layerswarm.agent.mirror.OriginLimits;
import io.layerswarm.agent.pins.PinsConfig;
import io.layerswarm.agent.proxy.HttpsProxyConfig;
import io.layerswarm.core.auth.BearerToken;
import io.layerswarm.core.auth.ClusterSecret;
import io.layerswarm.core.auth.SecretFileException;
import io.layerswarm.core.disk.FreeSpaceFloor;
import io.layerswarm.core.ring.SeederRing;
import io.layerswarm.registry.RegistryHost;
import io.layerswarm.registry.client.Credentials;
import io.layerswarm.registry.client.DockerConfigCredentials;
import io.layerswarm.registry.client.HttpUpstreamRegistry;
import io.layerswarm.registry.client.TrustedCertificates;
import io.layerswarm.registry.client.UpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.seeder.SeederConfig;
import io.layerswarm.tracker.TrackerConfig;
import io.layerswarm.tracker.announce.TrustedProxies;
import io.layerswarm.tracker.http.ConnectionLimits;
import io.layerswarm.tracker.peerstore.PeerLimits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a {@link ConfigFile} into the daemons' config records. Defaults live here and only here;
 * {@link #effective} fills them in so {@code --print-config} shows exactly what runs.
 */
public final class Settings {
  public static final String VERSION = "0.1.0";
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

  static final int MAX_RING_REPLICAS = 64;

  /** The largest count any of the tracker's limits takes. */
  static final int MAX_LIMIT = 100_000_000;

  /** Also the admin commands' default {@code --socket}. */
  public static final String DEFAULT_ADMIN_SOCKET = "/run/layerswarm/agent.sock";

  private final ConfigFile file;
  private final String source;

  /** Why the tracker and seeder sections of this file disagree about the ring, if they do. */
  private final Optional<String> ringMismatch;

  /** {@code cluster.secret-file}, read on first use. */
  private Optional<ClusterSecret> clusterSecret;

  private Settings(ConfigFile file, String source, Optional<String> ringMismatch) {
    this.file = file;
    this.source = source;
    this.ringMismatch = ringMismatch;
  }

  /**
   * @param source the config file name or "command line", for error messages
   */
  public static Settings of(ConfigFile file, String source) {
    return new Settings(effective(file), source, ringMismatch(file));
  }

  /**
   * Trackers and seeders must hash digests over the same members with the same R, or the tracker
   * asks seeders that do not hold the blob (and they fetch it from the origin once more). Only keys
   * the file sets in both sections can be compared: a tracker host's file may have no seeder
   * section at all.
   */
  private static Optional<String> ringMismatch(ConfigFile f) {
    ConfigFile.Tracker t = f.tracker();
    ConfigFile.Seeder s = f.seeder();
    if (t == null || s == null) {
      return Optional.empty();
    }
    if (t.ringReplicas() != null
        && s.ringReplicas() != null
        && !t.ringReplicas().equals(s.ringReplicas())) {
      return Optional.of(
          "tracker.ring-replicas ("
              + t.ringReplicas()
              + ") must equal seeder.ring-replicas ("
              + s.ringReplicas()
              + "): trackers and seeders must agree on the owners of each blob");
    }
    if (t.seeders() != null && s.ring() != null && !s.ring().isEmpty()) {
      Set<String> trackerSide = memberIds(t.seeders());
      Set<String> seederSide = memberIds(s.ring());
      if (trackerSide != null && seederSide != null && !trackerSide.equals(seederSide)) {
        return Optional.of(
            "tracker.seeders "
                + t.seeders()
                + " and seeder.ring "
                + s.ring()
                + " must list the same seeders: trackers and seeders must agree on the owners of"
                + " each blob");
      }
    }
    return Optional.empty();
  }

  /** The ring's member ids, or null when an entry is not a URL (its own key reports that). */
  private static Set<String> memberIds(List<String> urls) {
    Set<String> ids = new TreeSet<>();
    for (String url : urls) {
      try {
        ids.add(SeederRing.memberId(new URI(url)).toString());
      } catch (URISyntaxException | IllegalArgumentException | NullPointerException e) {
        return null;
      }
    }
    return ids;
  }

  private void requireRingAgreement() throws ConfigException {
    if (ringMismatch.isPresent()) {
      throw new ConfigException(source + ": " + ringMismatch.get());
    }
  }

  public ConfigFile file() {
    return file;
  }

  /** The file with every absent key set to its default. */
  static ConfigFile effective(ConfigFile f) {
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
                null, null, null, null, null, null, null, null, null)
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
            or(s.preheatApiTokenFile(), "")),
        new ConfigFile.Agent(
            or(a.listen(), DEFAULT_AGENT_LISTEN),
            or(a.peerListen(), members ? MEMBERS_AGENT_PEER_LISTEN : DEFAULT_AGENT_PEER_LISTEN),
            or(a.dataDir(), "/var/lib/layerswarm/agent"),
            or(a.trackers(), trackers),
            or(a.swarmDeadline(), "60s"),
            or(a.uploadRate(), "0"),
            or(a.downloadRate(), "0"),
            or(a.adminSocket(), DEFAULT_ADMIN_SOCKET),
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

  /**
   * The cluster secret from {@code cluster.secret-file}, read and checked (size, mode) on first
   * use; empty when the key is empty (open mode).
   *
   * @throws ConfigException naming the file and the fix, never its content
   */
  public Optional<ClusterSecret> clusterSecret() throws ConfigException {
    if (clusterSecret == null) {
      String path = file.cluster().secretFile();
      if (blank(path)) {
        clusterSecret = Optional.empty();
      } else {
        Path secretFile = wrap(() -> Values.path(ClusterSecret.KEY, path.trim()));
        try {
          clusterSecret = Optional.of(ClusterSecret.load(secretFile));
        } catch (SecretFileException e) {
          throw new ConfigException(source + ": " + e.getMessage(), e);
        }
      }
    }
    return clusterSecret;
  }

  public TrackerConfig tracker() throws ConfigException {
    ConfigFile.Tracker t = file.tracker();
    requireRingAgreement();
    if (!blank(t.passkey())) {
      throw new ConfigException(
          source
              + ": tracker.passkey is no longer supported: it travelled in every torrent and URL."
              + " Remove it (and the passkey from the members' tracker URLs), and give every"
              + " member the same cluster.secret-file instead; see docs/security.md");
    }
    Optional<ClusterSecret> secret = clusterSecret();
    return wrap(
        () ->
            requireAdminAuthentication(
                "tracker",
                t.adminListen(),
                t.adminToken(),
                Boolean.TRUE.equals(t.adminAllowUnauthenticated()),
                new TrackerConfig(
                    Values.address("tracker.listen", t.listen()),
                    Values.duration("tracker.announce-interval", t.announceInterval()),
                    Values.duration("tracker.min-announce-interval", t.minAnnounceInterval()),
                    Values.duration("tracker.peer-ttl", t.peerTtl()),
                    Values.intInRange("tracker.default-numwant", t.defaultNumwant(), 1, 1000),
                    Values.intInRange("tracker.max-numwant", t.maxNumwant(), 1, 1000),
                    urls("tracker.seeders", t.seeders(), ""),
                    blank(t.redis()) ? Optional.empty() : Optional.of(redisUri(t.redis())),
                    secret,
                    blank(t.adminListen())
                        ? Optional.empty()
                        : Optional.of(
                            Values.address("tracker.admin-listen", t.adminListen().trim())),
                    blank(t.adminToken()) ? Optional.empty() : Optional.of(t.adminToken()),
                    adminTls("tracker", t.adminTlsCert(), t.adminTlsKey()),
                    TrustedProxies.of(t.trustedProxies()),
                    new PeerLimits(
                        Values.intInRange("tracker.max-swarms", t.maxSwarms(), 1, MAX_LIMIT),
                        Values.intInRange("tracker.max-peers", t.maxPeers(), 1, MAX_LIMIT),
                        Values.intInRange(
                            "tracker.max-peers-per-swarm", t.maxPeersPerSwarm(), 1, MAX_LIMIT),
                        Values.intInRange(
                            "tracker.max-peers-per-address", t.maxPeersPerAddress(), 1, MAX_LIMIT)),
                    new ConnectionLimits(
                        Values.intInRange(
                            "tracker.max-connections", t.maxConnections(), 1, MAX_LIMIT),
                        Values.intInRange(
                            "tracker.max-connections-per-address",
                            t.maxConnectionsPerAddress(),
                            1,
                            MAX_LIMIT),
                        Values.duration("tracker.idle-timeout", t.idleTimeout())))));
  }

  /**
   * {@code <role>.admin-tls-cert} and {@code <role>.admin-tls-key}: both or neither. The files are
   * read and checked here, so a bad one stops the daemon before it binds anything.
   */
  private static Optional<AdminTls> adminTls(String role, String cert, String key)
      throws ConfigException {
    String certKey = role + ".admin-tls-cert";
    String keyKey = role + ".admin-tls-key";
    if (blank(cert) && blank(key)) {
      return Optional.empty();
    }
    if (blank(cert) || blank(key)) {
      String set = blank(cert) ? keyKey : certKey;
      String missing = blank(cert) ? certKey : keyKey;
      throw new ConfigException(
          set
              + " is set but "
              + missing
              + " is not: TLS needs both the"
              + " certificate chain and its private key");
    }
    Path certFile = Values.path(certKey, cert.trim());
    Path keyFile = Values.path(keyKey, key.trim());
    try {
      return Optional.of(AdminTls.load(role, certFile, keyFile));
    } catch (IOException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  private static URI redisUri(String value) throws ConfigException {
    try {
      return new URI(value);
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException(
          "tracker.redis: '" + value + "' is not a URI such as redis://127.0.0.1:6379/0");
    }
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  /**
   * R for the tracker's seeder ring ({@code tracker.ring-replicas}): the owners it asks first for
   * each digest. Must equal the seeders' {@code seeder.ring-replicas}.
   */
  public int trackerRingReplicas() throws ConfigException {
    requireRingAgreement();
    ConfigFile.Tracker t = file.tracker();
    return wrap(
        () -> {
          int replicas =
              Values.intInRange("tracker.ring-replicas", t.ringReplicas(), 1, MAX_RING_REPLICAS);
          try {
            SeederRing.of(urls("tracker.seeders", t.seeders(), ""), replicas);
          } catch (IllegalArgumentException e) {
            throw new ConfigException("tracker.seeders: " + e.getMessage());
          }
          return replicas;
        });
  }

  public SeederConfig seeder() throws ConfigException {
    ConfigFile.Seeder s = file.seeder();
    requireRingAgreement();
    Optional<ClusterSecret> secret = clusterSecret();
    Optional<BearerToken> token =
        bearerToken("seeder.notifications-token-file", s.notificationsTokenFile());
    Optional<BearerToken> preheatApiToken =
        bearerToken("seeder.preheat-api-token-file", s.preheatApiTokenFile());
    return wrap(
        () ->
            requireAdminAuthentication(
                "seeder",
                s.adminListen(),
                s.adminToken(),
                Boolean.TRUE.equals(s.adminAllowUnauthenticated()),
                new SeederConfig(
                    Values.address("seeder.listen", s.listen()),
                    Values.address("seeder.peer-listen", s.peerListen()),
                    Values.path("seeder.data-dir", s.dataDir()),
                    urls("seeder.trackers", s.trackers(), "/announce"),
                    Values.bytes("seeder.upload-rate", s.uploadRate()),
                    Values.duration("seeder.origin-timeout", s.originTimeout()),
                    blank(s.adminListen())
                        ? Optional.empty()
                        : Optional.of(
                            Values.address("seeder.admin-listen", s.adminListen().trim())),
                    blank(s.adminToken()) ? Optional.empty() : Optional.of(s.adminToken()),
                    Values.bytes("seeder.disk-high-watermark", s.diskHighWatermark()),
                    Values.bytes("seeder.disk-low-watermark", s.diskLowWatermark()),
                    durationOrZero("seeder.time-to-idle", s.timeToIdle()),
                    s.ring().isEmpty() ? List.of() : urls("seeder.ring", s.ring(), ""),
                    blank(s.advertiseUrl())
                        ? Optional.empty()
                        : Optional.of(
                            Values.httpUrl("seeder.advertise-url", s.advertiseUrl().trim())),
                    Values.intInRange(
                        "seeder.ring-replicas", s.ringReplicas(), 1, MAX_RING_REPLICAS),
                    adminTls("seeder", s.adminTlsCert(), s.adminTlsKey()),
                    secret,
                    token,
                    Values.bytes("seeder.origin-min-rate", s.originMinRate()),
                    Values.spaceLimit("seeder.disk-free-min", s.diskFreeMin()),
                    Values.location("seeder", s.zone(), s.rack()),
                    preheatApiToken)));
  }

  /** The token in the file {@code key} names, if it names one. */
  private Optional<BearerToken> bearerToken(String key, String file) throws ConfigException {
    if (blank(file)) {
      return Optional.empty();
    }
    Path tokenFile = wrap(() -> Values.path(key, file.trim()));
    try {
      return Optional.of(BearerToken.load(tokenFile, key));
    } catch (SecretFileException e) {
      throw new ConfigException(source + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@code config}, unless its admin API listens beyond loopback without a token, which would let
   * anyone who reaches the port evict, preheat and list; {@code <role>.admin-allow-unauthenticated}
   * overrides that for a network the admin trusts.
   */
  private static <T> T requireAdminAuthentication(
      String role, String listen, String token, boolean allowUnauthenticated, T config)
      throws ConfigException {
    if (blank(listen) || !blank(token) || allowUnauthenticated) {
      return config;
    }
    InetSocketAddress address = Values.address(role + ".admin-listen", listen.trim());
    if (address.getAddress() != null && address.getAddress().isLoopbackAddress()) {
      return config;
    }
    throw new ConfigException(
        role
            + ".admin-listen is "
            + listen.trim()
            + ", beyond loopback, and "
            + role
            + ".admin-token is not set: anyone who reaches it could call the admin API. Set "
            + role
            + ".admin-token (with "
            + role
            + ".admin-tls-cert and "
            + role
            + ".admin-tls-key), bind "
            + role
            + ".admin-listen to 127.0.0.1, or set "
            + role
            + ".admin-allow-unauthenticated: true on a network you trust");
  }

  /** A duration where a bare {@code 0} (off) is accepted too. */
  private static Duration durationOrZero(String key, String value) throws ConfigException {
    return value.trim().equals("0") ? Duration.ZERO : Values.duration(key, value);
  }

  public AgentConfig agent() throws ConfigException {
    ConfigFile.Agent a = file.agent();
    Optional<ClusterSecret> secret = clusterSecret();
    return wrap(
        () ->
            new AgentConfig(
                Values.address("agent.listen", a.listen()),
                Values.address("agent.peer-listen", a.peerListen()),
                Values.path("agent.data-dir", a.dataDir()),
                urls("agent.trackers", a.trackers(), ""),
                Values.duration("agent.swarm-deadline", a.swarmDeadline()),
                Values.bytes("agent.upload-rate", a.uploadRate()),
                Values.bytes("agent.download-rate", a.downloadRate()),
                Values.optionalPath("agent.admin-socket", a.adminSocket()),
                Values.bytes("agent.cache-max-bytes", a.cacheMaxBytes()),
                Values.intInRange("agent.cache-high-watermark", a.cacheHighWatermark(), 1, 100),
                Values.intInRange(
                    "agent.cache-low-watermark", a.cacheLowWatermark(), 0, a.cacheHighWatermark()),
                Values.duration("agent.cache-time-to-idle", a.cacheTimeToIdle()),
                blank(a.metricsListen())
                    ? Optional.empty()
                    : Optional.of(Values.address("agent.metrics-listen", a.metricsListen().trim())),
                secret,
                new OriginLimits(
                    Values.duration("agent.origin-timeout", a.originTimeout()),
                    Values.bytes("agent.origin-min-rate", a.originMinRate())),
                Values.spaceLimit("agent.disk-free-min", a.diskFreeMin()),
                Values.location("agent", a.zone(), a.rack())));
  }

  /** {@code agent.pins} and {@code agent.pins-refresh}, each entry checked. */
  public PinsConfig agentPins() throws ConfigException {
    return wrap(() -> PinSettings.pins(file.agent()));
  }

  /** {@code agent.fleet-poll}'s default: how often an idle agent asks for fleet preheats. */
  public static final String DEFAULT_FLEET_POLL = "15s";

  /**
   * {@code agent.fleet-poll}: how often the agent asks its trackers for fleet preheats; zero when
   * it never does (then no fleet preheat reaches it).
   */
  public Duration agentFleetPoll() throws ConfigException {
    String value = file.agent().fleetPoll().trim();
    Duration poll =
        value.equals("0") ? Duration.ZERO : wrap(() -> Values.duration("agent.fleet-poll", value));
    if (!poll.isZero()
        && (poll.compareTo(Duration.ofSeconds(1)) < 0 || poll.compareTo(Duration.ofHours(1)) > 0)) {
      throw new ConfigException(
          source + ": agent.fleet-poll must be 0 (off) or from 1s to 1h, got " + poll);
    }
    return poll;
  }

  /** The agent's HTTPS proxy, when {@code agent.https-proxy-listen} is set. */
  public Optional<HttpsProxyConfig> httpsProxy() throws ConfigException {
    ConfigFile.Agent a = file.agent();
    if (blank(a.httpsProxyListen())) {
      return Optional.empty();
    }
    String others = a.httpsProxyOtherHosts().trim();
    if (!others.equals("tunnel") && !others.equals("refuse")) {
      throw new ConfigException(
          source
              + ": agent.https-proxy-other-hosts: '"
              + others
              + "' is neither tunnel nor refuse");
    }
    InetSocketAddress listen =
        Values.address("agent.https-proxy-listen", a.httpsProxyListen().trim());
    return Optional.of(wrap(() -> new HttpsProxyConfig(listen, others.equals("tunnel"))));
  }

  /** The configured upstream registries; exactly one may be the default (the first if none is). */
  public Upstreams upstreams(String userAgent) throws ConfigException {
    List<ConfigFile.Upstream> list = file.upstreams();
    if (list.isEmpty()) {
      throw new ConfigException(
          source
              + ": upstreams: at least one upstream registry is required"
              + " (or pass --upstream http://HOST:PORT)");
    }
    Map<String, UpstreamRegistry> byHost = new LinkedHashMap<>();
    String defaultHost = null;
    for (int i = 0; i < list.size(); i++) {
      ConfigFile.Upstream u = list.get(i);
      String key = "upstreams[" + i + "]";
      if (u.url() == null) {
        throw new ConfigException(source + ": " + key + ".url is required");
      }
      URI url = wrap(() -> Values.httpUrl(key + ".url", u.url()));
      if (url.getRawQuery() != null) {
        // Registry paths are appended to the URL; a query would end up in the middle of them.
        throw new ConfigException(
            source + ": " + key + ".url: '" + u.url() + "' has a '?query'; remove it");
      }
      String host;
      try {
        host = u.host() == null ? RegistryHost.of(url).value() : RegistryHost.of(u.host()).value();
      } catch (IllegalArgumentException e) {
        throw new ConfigException(source + ": " + key + ".host: " + e.getMessage());
      }
      if (byHost.containsKey(host)) {
        throw new ConfigException(source + ": " + key + ".host: " + host + " is configured twice");
      }
      if (u.username() != null && u.dockerConfig() != null) {
        throw new ConfigException(
            source
                + ": "
                + key
                + ".docker-config: give either username/password or docker-config, not both");
      }
      if ((u.username() == null) != (u.password() == null)) {
        throw new ConfigException(
            source + ": " + key + ": username and password must be given together");
      }
      Credentials credentials;
      try {
        credentials = u.username() == null ? null : new Credentials(u.username(), u.password());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(source + ": " + key + ".username: " + e.getMessage());
      }
      if (u.dockerConfig() != null) {
        String registryName = u.host() == null ? host : u.host();
        try {
          credentials =
              DockerConfigCredentials.forHost(
                      wrap(() -> Values.path(key + ".docker-config", u.dockerConfig())),
                      registryName)
                  .orElseThrow(
                      () ->
                          new ConfigException(
                              source
                                  + ": "
                                  + key
                                  + ".docker-config: "
                                  + u.dockerConfig()
                                  + " has no credentials for "
                                  + registryName));
        } catch (IOException e) {
          throw new ConfigException(source + ": " + key + ".docker-config: " + e.getMessage(), e);
        }
      }
      HttpUpstreamRegistry.Builder client = HttpUpstreamRegistry.builder(url).userAgent(userAgent);
      if (credentials != null) {
        client.credentials(credentials);
      }
      if (u.caFile() != null) {
        try {
          client.sslContext(
              TrustedCertificates.fromPem(wrap(() -> Values.path(key + ".ca-file", u.caFile()))));
        } catch (IOException e) {
          throw new ConfigException(source + ": " + key + ".ca-file: " + e.getMessage(), e);
        }
      }
      byHost.put(host, client.build());
      if (Boolean.TRUE.equals(u.isDefault())) {
        if (defaultHost != null) {
          throw new ConfigException(
              source + ": " + key + ".default: only one upstream can be the default");
        }
        defaultHost = host;
      }
    }
    return Upstreams.of(
        defaultHost == null ? byHost.keySet().iterator().next() : defaultHost, byHost);
  }

  private static List<URI> urls(String key, List<String> values, String suffix)
      throws ConfigException {
    if (values.isEmpty()) {
      throw new ConfigException(key + ": at least one URL is required");
    }
    List<URI> uris = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      uris.add(URI.create(Values.httpUrl(key + "[" + i + "]", values.get(i)) + suffix));
    }
    return List.copyOf(uris);
  }

  private interface Build<T> {
    T get() throws ConfigException;
  }

  /** Adds the source to errors, and turns the records' own validation into config errors. */
  private <T> T wrap(Build<T> build) throws ConfigException {
    try {
      return build.get();
    } catch (ConfigException e) {
      throw new ConfigException(source + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(source + ": " + e.getMessage(), e);
    }
  }

  private static <T> T or(T value, T fallback) {
    return value == null ? fallback : value;
  }
}
