package io.layerswarm.cli.config;

import static io.layerswarm.cli.config.Values.blank;

import io.layerswarm.agent.AgentConfig;
import io.layerswarm.agent.mirror.OriginLimits;
import io.layerswarm.agent.pins.PinsConfig;
import io.layerswarm.agent.proxy.HttpsProxyConfig;
import io.layerswarm.core.auth.BearerToken;
import io.layerswarm.core.auth.ClusterSecret;
import io.layerswarm.core.auth.SecretFileException;
import io.layerswarm.core.metainfo.MetainfoAnswer;
import io.layerswarm.core.ring.SeederRing;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.seeder.SeederConfig;
import io.layerswarm.tracker.TrackerConfig;
import io.layerswarm.tracker.announce.TrustedProxies;
import io.layerswarm.tracker.http.ConnectionLimits;
import io.layerswarm.tracker.peerstore.PeerLimits;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a {@link ConfigFile} into the daemons' config records. The defaults are {@link
 * ConfigDefaults}'s, filled in before anything is read so {@code --print-config} shows exactly what
 * runs.
 */
public final class Settings {
  public static final String VERSION = "0.1.0";

  /**
   * Owners per digest at most, for {@code seeder.ring-replicas} and {@code tracker.ring-replicas}.
   */
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
    return new Settings(ConfigDefaults.apply(file), source, RingAgreement.mismatch(file));
  }

  private void requireRingAgreement() throws ConfigException {
    if (ringMismatch.isPresent()) {
      throw new ConfigException(source + ": " + ringMismatch.get());
    }
  }

  public ConfigFile file() {
    return file;
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
            AdminSettings.requireAuthentication(
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
                    AdminSettings.tls("tracker", t.adminTlsCert(), t.adminTlsKey()),
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

  private static URI redisUri(String value) throws ConfigException {
    try {
      return new URI(value);
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException(
          "tracker.redis: '" + value + "' is not a URI such as redis://127.0.0.1:6379/0");
    }
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
            AdminSettings.requireAuthentication(
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
                    AdminSettings.tls("seeder", s.adminTlsCert(), s.adminTlsKey()),
                    secret,
                    token,
                    Values.bytes("seeder.origin-min-rate", s.originMinRate()),
                    Values.spaceLimit("seeder.disk-free-min", s.diskFreeMin()),
                    Values.location("seeder", s.zone(), s.rack()),
                    preheatApiToken,
                    (int)
                        Values.bytesInRange(
                            "seeder.inline-max-bytes",
                            s.inlineMaxBytes(),
                            MetainfoAnswer.MAX_INLINE_BYTES))));
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
    try {
      return UpstreamSettings.upstreams(file.upstreams(), userAgent);
    } catch (ConfigException e) {
      throw new ConfigException(source + ": " + e.getMessage(), e);
    }
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
}
