package io.layerswarm.tracker;

import io.layerswarm.admin.AdminTls;
import io.layerswarm.core.auth.ClusterSecret;
import io.layerswarm.tracker.announce.TrustedProxies;
import io.layerswarm.tracker.http.ConnectionLimits;
import io.layerswarm.tracker.metainfo.HttpMetainfoSource;
import io.layerswarm.tracker.peerstore.PeerLimits;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The tracker service's settings. Defaults live in {@link #defaults}; every check names the config
 * key it is about.
 *
 * @param listen where the HTTP server binds ({@code tracker.listen}); port 0 picks a free port
 * @param announceInterval sent to clients as {@code interval} ({@code tracker.announce-interval})
 * @param minAnnounceInterval sent as {@code min interval} ({@code tracker.min-announce-interval})
 * @param peerTtl how long a peer stays listed after its last announce ({@code tracker.peer-ttl});
 *     longer than the interval, so one late announce does not drop a peer
 * @param defaultNumwant peers returned when a client sends no {@code numwant} ({@code
 *     tracker.default-numwant})
 * @param maxNumwant the most peers one announce returns ({@code tracker.max-numwant})
 * @param seeders base URIs of the seeders' HTTP endpoints, asked in order for metainfo ({@code
 *     tracker.seeders})
 * @param redis the Redis that tracker replicas share their swarms in ({@code tracker.redis}, e.g.
 *     {@code redis://127.0.0.1:6379/0}, or through Redis Sentinel {@code
 *     redis-sentinel://10.0.0.1:26379,10.0.0.2:26379/0#mymaster}); empty keeps peers in this
 *     process's memory (see {@link PeerStores#open})
 * @param clusterSecret the secret shared by the cluster's members ({@code cluster.secret-file});
 *     when present, {@code /announce}, {@code /scrape} and {@code /metainfo} take only requests
 *     signed with it, and the tracker signs its own requests to the seeders. Empty: open mode
 * @param adminListen address of the admin gRPC API ({@code tracker.admin-listen}); empty: no admin
 *     API. Port 0 picks a free port
 * @param adminToken bearer token every admin call must carry ({@code tracker.admin-token}); empty:
 *     no authentication (bind the admin API to loopback then). Printable ASCII, no spaces
 * @param adminTls the certificate chain and key the admin API serves TLS with ({@code
 *     tracker.admin-tls-cert}, {@code tracker.admin-tls-key}); empty: plaintext
 * @param trustedProxies the reverse proxies whose word on a peer's address is taken ({@code
 *     tracker.trusted-proxies}); everyone else is listed at the address it connects from
 * @param peerLimits the most swarms and peers the peer store holds ({@code tracker.max-swarms},
 *     {@code tracker.max-peers}, {@code tracker.max-peers-per-swarm}, {@code
 *     tracker.max-peers-per-address})
 * @param connectionLimits the HTTP listener's connection caps and idle timeout ({@code
 *     tracker.max-connections}, {@code tracker.max-connections-per-address}, {@code
 *     tracker.idle-timeout})
 */
public record TrackerConfig(
    InetSocketAddress listen,
    Duration announceInterval,
    Duration minAnnounceInterval,
    Duration peerTtl,
    int defaultNumwant,
    int maxNumwant,
    List<URI> seeders,
    Optional<URI> redis,
    Optional<ClusterSecret> clusterSecret,
    Optional<InetSocketAddress> adminListen,
    Optional<String> adminToken,
    Optional<AdminTls> adminTls,
    TrustedProxies trustedProxies,
    PeerLimits peerLimits,
    ConnectionLimits connectionLimits) {
  private static final Set<String> SCHEMES = Set.of("redis", "rediss");
  private static final Set<String> SENTINEL_SCHEMES = Set.of("redis-sentinel", "rediss-sentinel");

  public static final Duration DEFAULT_ANNOUNCE_INTERVAL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_MIN_ANNOUNCE_INTERVAL = Duration.ofSeconds(5);
  public static final int DEFAULT_NUMWANT = 50;
  public static final int DEFAULT_MAX_NUMWANT = 200;

  /** The hard ceiling for {@code tracker.max-numwant}: a reply must stay small. */
  public static final int NUMWANT_CEILING = 10_000;

  public TrackerConfig {
    if (listen == null) {
      throw new IllegalArgumentException("tracker.listen must be set");
    }
    requireWholeSeconds("tracker.announce-interval", announceInterval);
    requireWholeSeconds("tracker.min-announce-interval", minAnnounceInterval);
    requireWholeSeconds("tracker.peer-ttl", peerTtl);
    if (minAnnounceInterval.compareTo(announceInterval) > 0) {
      throw new IllegalArgumentException(
          "tracker.min-announce-interval must be <= tracker.announce-interval");
    }
    if (peerTtl.compareTo(announceInterval) <= 0) {
      throw new IllegalArgumentException(
          "tracker.peer-ttl must be > tracker.announce-interval (default 3 x interval)");
    }
    if (maxNumwant < 1 || maxNumwant > NUMWANT_CEILING) {
      throw new IllegalArgumentException(
          "tracker.max-numwant must be 1.." + NUMWANT_CEILING + ", got " + maxNumwant);
    }
    if (defaultNumwant < 0 || defaultNumwant > maxNumwant) {
      throw new IllegalArgumentException(
          "tracker.default-numwant must be 0..tracker.max-numwant, got " + defaultNumwant);
    }
    if (seeders == null) {
      throw new IllegalArgumentException("tracker.seeders must be set (it may be empty)");
    }
    for (URI seeder : seeders) {
      HttpMetainfoSource.requireHttpUri("tracker.seeders", seeder);
    }
    seeders = List.copyOf(seeders);
    if (redis == null || clusterSecret == null) {
      throw new IllegalArgumentException(
          "tracker.redis and cluster.secret-file must not be null; use Optional.empty()");
    }
    redis.ifPresent(TrackerConfig::requireRedisUri);
    adminListen = adminListen == null ? Optional.empty() : adminListen;
    adminToken = adminToken == null ? Optional.empty() : adminToken.filter(t -> !t.isEmpty());
    if (adminToken.isPresent() && !adminToken.get().chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException(
          "tracker.admin-token must be printable ASCII without spaces (it goes into a header)");
    }
    if (adminToken.isPresent() && adminListen.isEmpty()) {
      throw new IllegalArgumentException(
          "tracker.admin-token is set but tracker.admin-listen is"
              + " not: there is no admin API to protect");
    }
    adminTls = adminTls == null ? Optional.empty() : adminTls;
    if (adminTls.isPresent() && adminListen.isEmpty()) {
      throw new IllegalArgumentException(
          "tracker.admin-tls-cert and tracker.admin-tls-key are"
              + " set but tracker.admin-listen is not: there is no admin API to serve over TLS");
    }
    trustedProxies = trustedProxies == null ? TrustedProxies.NONE : trustedProxies;
    peerLimits = peerLimits == null ? PeerLimits.DEFAULTS : peerLimits;
    connectionLimits = connectionLimits == null ? ConnectionLimits.DEFAULTS : connectionLimits;
  }

  /** Without an admin API. */
  public TrackerConfig(
      InetSocketAddress listen,
      Duration announceInterval,
      Duration minAnnounceInterval,
      Duration peerTtl,
      int defaultNumwant,
      int maxNumwant,
      List<URI> seeders,
      Optional<URI> redis,
      Optional<ClusterSecret> clusterSecret) {
    this(
        listen,
        announceInterval,
        minAnnounceInterval,
        peerTtl,
        defaultNumwant,
        maxNumwant,
        seeders,
        redis,
        clusterSecret,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        TrustedProxies.NONE,
        PeerLimits.DEFAULTS,
        ConnectionLimits.DEFAULTS);
  }

  /** Without Redis and without a cluster secret: a single replica that anyone may announce to. */
  public TrackerConfig(
      InetSocketAddress listen,
      Duration announceInterval,
      Duration minAnnounceInterval,
      Duration peerTtl,
      int defaultNumwant,
      int maxNumwant,
      List<URI> seeders) {
    this(
        listen,
        announceInterval,
        minAnnounceInterval,
        peerTtl,
        defaultNumwant,
        maxNumwant,
        seeders,
        Optional.empty(),
        Optional.empty());
  }

  /**
   * Interval 30 s, min interval 5 s, peer TTL 3 x interval, numwant 50 (max 200), no seeders, peers
   * in memory, no cluster secret (open mode).
   */
  public static TrackerConfig defaults(InetSocketAddress listen) {
    return new TrackerConfig(
        listen,
        DEFAULT_ANNOUNCE_INTERVAL,
        DEFAULT_MIN_ANNOUNCE_INTERVAL,
        DEFAULT_ANNOUNCE_INTERVAL.multipliedBy(3),
        DEFAULT_NUMWANT,
        DEFAULT_MAX_NUMWANT,
        List.of(),
        Optional.empty(),
        Optional.empty());
  }

  public TrackerConfig withSeeders(List<URI> seeders) {
    return with(copy -> copy.seeders = seeders);
  }

  /** Keeps peers in the Redis at {@code redis}, shared with other replicas that use it. */
  public TrackerConfig withRedis(URI redis) {
    return with(copy -> copy.redis = Optional.of(redis));
  }

  /** Takes only requests signed with {@code secret} on announce, scrape and metainfo. */
  public TrackerConfig withClusterSecret(ClusterSecret secret) {
    return with(copy -> copy.clusterSecret = Optional.of(secret));
  }

  /** Takes the word of {@code proxies} on the address of the peers they forward. */
  public TrackerConfig withTrustedProxies(TrustedProxies proxies) {
    return with(copy -> copy.trustedProxies = proxies);
  }

  /** Holds at most what {@code limits} allow. */
  public TrackerConfig withPeerLimits(PeerLimits limits) {
    return with(copy -> copy.peerLimits = limits);
  }

  /** Caps the HTTP listener's connections and closes idle ones as {@code limits} say. */
  public TrackerConfig withConnectionLimits(ConnectionLimits limits) {
    return with(copy -> copy.connectionLimits = limits);
  }

  /** Sets the interval, and the peer TTL to 3 x the interval. */
  public TrackerConfig withAnnounceInterval(Duration interval) {
    requireWholeSeconds("tracker.announce-interval", interval);
    Duration min = minAnnounceInterval.compareTo(interval) > 0 ? interval : minAnnounceInterval;
    return with(
        copy -> {
          copy.announceInterval = interval;
          copy.minAnnounceInterval = min;
          copy.peerTtl = interval.multipliedBy(3);
        });
  }

  /**
   * Serves the admin gRPC API on {@code address}, with every call needing {@code token} when
   * present.
   */
  public TrackerConfig withAdmin(InetSocketAddress address, Optional<String> token) {
    return with(
        copy -> {
          copy.adminListen = Optional.of(address);
          copy.adminToken = token;
        });
  }

  /** Serves the admin gRPC API over TLS with {@code tls}; needs {@link #withAdmin} first. */
  public TrackerConfig withAdminTls(AdminTls tls) {
    return with(copy -> copy.adminTls = Optional.of(tls));
  }

  /**
   * Like the record's, but a password in {@code redis}, the admin token and the secret show as
   * {@code ***}.
   */
  @Override
  public String toString() {
    return "TrackerConfig[listen="
        + listen
        + ", announceInterval="
        + announceInterval
        + ", minAnnounceInterval="
        + minAnnounceInterval
        + ", peerTtl="
        + peerTtl
        + ", defaultNumwant="
        + defaultNumwant
        + ", maxNumwant="
        + maxNumwant
        + ", seeders="
        + seeders
        + ", redis="
        + redis.map(TrackerConfig::redacted)
        + ", clusterSecret="
        + clusterSecret.map(secret -> "***").orElse("none (open mode)")
        + ", adminListen="
        + adminListen
        + ", adminToken="
        + adminToken.map(t -> "***").orElse("none")
        + ", adminTls="
        + adminTls
        + ", trustedProxies="
        + trustedProxies
        + ", peerLimits="
        + peerLimits
        + ", connectionLimits="
        + connectionLimits
        + "]";
  }

  /** A copy of this config with {@code change} applied, validated as any config is. */
  private TrackerConfig with(Consumer<Copy> change) {
    Copy copy = new Copy(this);
    change.accept(copy);
    return copy.build();
  }

  /** The components of a config while a copy of it is changed. */
  private static final class Copy {
    InetSocketAddress listen;
    Duration announceInterval;
    Duration minAnnounceInterval;
    Duration peerTtl;
    int defaultNumwant;
    int maxNumwant;
    List<URI> seeders;
    Optional<URI> redis;
    Optional<ClusterSecret> clusterSecret;
    Optional<InetSocketAddress> adminListen;
    Optional<String> adminToken;
    Optional<AdminTls> adminTls;
    TrustedProxies trustedProxies;
    PeerLimits peerLimits;
    ConnectionLimits connectionLimits;

    Copy(TrackerConfig config) {
      listen = config.listen;
      announceInterval = config.announceInterval;
      minAnnounceInterval = config.minAnnounceInterval;
      peerTtl = config.peerTtl;
      defaultNumwant = config.defaultNumwant;
      maxNumwant = config.maxNumwant;
      seeders = config.seeders;
      redis = config.redis;
      clusterSecret = config.clusterSecret;
      adminListen = config.adminListen;
      adminToken = config.adminToken;
      adminTls = config.adminTls;
      trustedProxies = config.trustedProxies;
      peerLimits = config.peerLimits;
      connectionLimits = config.connectionLimits;
    }

    TrackerConfig build() {
      return new TrackerConfig(
          listen,
          announceInterval,
          minAnnounceInterval,
          peerTtl,
          defaultNumwant,
          maxNumwant,
          seeders,
          redis,
          clusterSecret,
          adminListen,
          adminToken,
          adminTls,
          trustedProxies,
          peerLimits,
          connectionLimits);
    }
  }

  /** Intervals go to clients as whole seconds (BEP 3), so anything below 1 s would read as 0. */
  private static void requireWholeSeconds(String key, Duration value) {
    if (value == null) {
      throw new IllegalArgumentException(key + " must be set");
    }
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(key + " must be > 0, got " + value);
    }
    if (value.getNano() != 0) {
      throw new IllegalArgumentException(key + " must be whole seconds, got " + value);
    }
  }

  /**
   * {@code redis://} or {@code rediss://}, a host, and at most a database number as the path; or
   * {@code redis-sentinel://} (or {@code rediss-sentinel://}) with one or more sentinels {@code
   * host:port} separated by commas, at most a database number, and the master's name as the
   * fragment.
   */
  private static void requireRedisUri(URI uri) {
    String scheme = uri == null ? null : uri.getScheme();
    if (uri == null
        || !uri.isAbsolute()
        || !(SCHEMES.contains(scheme) || SENTINEL_SCHEMES.contains(scheme))) {
      throw new IllegalArgumentException(
          "tracker.redis must be redis://host[:port][/database] (or rediss://), or"
              + " redis-sentinel://host:port[,host:port...][/database]#master (or"
              + " rediss-sentinel://), got "
              + redacted(uri));
    }
    String path = uri.getPath();
    if (path != null && !path.isEmpty() && !path.equals("/") && !path.matches("/[0-9]{1,5}")) {
      throw new IllegalArgumentException(
          "tracker.redis path must be a database number like /0, got " + redacted(uri));
    }
    if (uri.getRawQuery() != null) {
      throw new IllegalArgumentException("tracker.redis must have no query, got " + redacted(uri));
    }
    if (SCHEMES.contains(scheme)) {
      if (uri.getHost() == null) {
        throw new IllegalArgumentException(
            "tracker.redis must name a host, as in redis://host[:port][/database], got "
                + redacted(uri));
      }
      if (uri.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "tracker.redis must have no fragment, got " + redacted(uri));
      }
      return;
    }
    requireSentinels(uri);
  }

  /** The sentinels of a {@code redis-sentinel://} URI, each {@code host:port}, and a master. */
  private static void requireSentinels(URI uri) {
    String fragment = uri.getFragment();
    if (fragment == null || !fragment.matches("[A-Za-z0-9._-]{1,100}")) {
      throw new IllegalArgumentException(
          "tracker.redis must name the sentinels' master as its fragment, as in"
              + " redis-sentinel://host:26379,host:26379/0#mymaster, got "
              + redacted(uri));
    }
    String authority = uri.getRawAuthority();
    String hosts = authority == null ? "" : authority.substring(authority.lastIndexOf('@') + 1);
    for (String sentinel : hosts.split(",", -1)) {
      if (!sentinel.matches("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):[0-9]{1,5}")
          || Integer.parseInt(sentinel.substring(sentinel.lastIndexOf(':') + 1)) > 65535) {
        throw new IllegalArgumentException(
            "tracker.redis sentinels must be host:port separated by commas, got '"
                + sentinel
                + "' in "
                + redacted(uri));
      }
    }
  }

  /** A Redis URI without its user info, which may hold a password. */
  static String redacted(URI uri) {
    // Not getRawUserInfo: a URI of several sentinels has no server authority, so no user info.
    return uri == null ? "null" : uri.toString().replaceFirst("^([^/]*//)[^/#?]*@", "$1***@");
  }
}
