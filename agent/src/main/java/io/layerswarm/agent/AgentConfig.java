package io.layerswarm.agent;

import io.layerswarm.agent.mirror.OriginLimits;
import io.layerswarm.core.auth.ClusterSecret;
import io.layerswarm.core.auth.LogSafe;
import io.layerswarm.core.disk.FreeSpaceFloor;
import io.layerswarm.core.disk.SpaceLimit;
import io.layerswarm.core.topology.Location;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Agent settings. Immutable; {@link #defaults} is the one place defaults live, and the constructor
 * rejects bad values with a message naming the key ({@code agent.<component>}).
 *
 * @param listen registry API address for the local container runtimes (default 127.0.0.1:5050)
 * @param peerListen BitTorrent peer address; port 0 picks a free port (default loopback, port 0)
 * @param dataDir holds {@code blobs/} (the blob store), {@code partial/} (swarm downloads not yet
 *     verified) and {@code torrents/} (metainfo of cached blobs, for seeding after a restart)
 * @param trackers tracker base URLs such as {@code http://127.0.0.1:6969}, tried in order; the
 *     announce URL is {@code <base>/announce} and metainfo is under {@code <base>/metainfo/}. Empty
 *     means blobs always come from the origin.
 * @param swarmDeadline without metainfo or newly verified bytes for this long, a download falls
 *     back to the origin (default 60 s)
 * @param uploadBytesPerSecond peer upload cap in bytes per second, 0 for none
 * @param downloadBytesPerSecond peer download cap in bytes per second, 0 for none
 * @param adminSocket Unix socket for the admin gRPC API (mode 0660, parent created if missing);
 *     empty for none
 * @param cacheMaxBytes budget for cached blobs in bytes (blobs being fetched count too), 0 for no
 *     budget (default 10 GiB: the host's container runtime keeps its own copy of every layer, so
 *     the cache is for seeding what was pulled recently)
 * @param cacheHighWatermarkPercent when the cache holds more than this share of {@code
 *     cacheMaxBytes}, least recently used blobs are evicted (1 to 100, default 90)
 * @param cacheLowWatermarkPercent eviction stops at or below this share (0 to the high watermark,
 *     default 75)
 * @param cacheTimeToIdle a blob nobody read and no peer downloaded for this long is evicted; zero
 *     for never (default)
 * @param metricsListen a second address that serves only {@code GET /metrics}, for Prometheus to
 *     scrape a host whose {@code listen} is loopback; empty for none (default: {@code /metrics} is
 *     on {@code listen} only)
 * @param clusterSecret the secret shared by the cluster's members ({@code cluster.secret-file}):
 *     the agent signs its metainfo requests and announces with it. Empty: open mode
 * @param origin how slow a blob body from the origin may be before the agent gives up on it ({@code
 *     agent.origin-timeout}, {@code agent.origin-min-rate}; default 30 s and 16 KiB/s)
 * @param diskFreeMin the free space kept on the data directory's file system: below it, least
 *     recently used blobs are evicted, and a blob that does not fit is passed through from the
 *     origin without being stored ({@code agent.disk-free-min}; default 10%)
 * @param location the host's zone and rack ({@code agent.zone}, {@code agent.rack}), announced to
 *     the trackers and told to peers; unknown by default
 */
public record AgentConfig(
    InetSocketAddress listen,
    InetSocketAddress peerListen,
    Path dataDir,
    List<URI> trackers,
    Duration swarmDeadline,
    long uploadBytesPerSecond,
    long downloadBytesPerSecond,
    Optional<Path> adminSocket,
    long cacheMaxBytes,
    int cacheHighWatermarkPercent,
    int cacheLowWatermarkPercent,
    Duration cacheTimeToIdle,
    Optional<InetSocketAddress> metricsListen,
    Optional<ClusterSecret> clusterSecret,
    OriginLimits origin,
    SpaceLimit diskFreeMin,
    Location location) {

  public static final InetSocketAddress DEFAULT_LISTEN = new InetSocketAddress("127.0.0.1", 5050);
  public static final Duration DEFAULT_SWARM_DEADLINE = Duration.ofSeconds(60);
  public static final long DEFAULT_CACHE_MAX_BYTES = 10L << 30;
  public static final int DEFAULT_CACHE_HIGH_WATERMARK_PERCENT = 90;
  public static final int DEFAULT_CACHE_LOW_WATERMARK_PERCENT = 75;

  public AgentConfig {
    require(listen, "agent.listen");
    if (listen.isUnresolved()) {
      throw new IllegalArgumentException("agent.listen does not resolve: " + listen);
    }
    require(peerListen, "agent.peerListen");
    if (peerListen.isUnresolved()) {
      throw new IllegalArgumentException("agent.peerListen does not resolve: " + peerListen);
    }
    require(dataDir, "agent.dataDir");
    require(trackers, "agent.trackers");
    List<URI> normalized = new ArrayList<>(trackers.size());
    for (int i = 0; i < trackers.size(); i++) {
      normalized.add(trackerBase(trackers.get(i), "agent.trackers[" + i + "]"));
    }
    trackers = List.copyOf(normalized);
    require(swarmDeadline, "agent.swarmDeadline");
    if (swarmDeadline.isNegative() || swarmDeadline.isZero()) {
      throw new IllegalArgumentException("agent.swarmDeadline must be positive: " + swarmDeadline);
    }
    if (uploadBytesPerSecond < 0) {
      throw new IllegalArgumentException(
          "agent.uploadBytesPerSecond must be >= 0 (0 = no limit): " + uploadBytesPerSecond);
    }
    if (downloadBytesPerSecond < 0) {
      throw new IllegalArgumentException(
          "agent.downloadBytesPerSecond must be >= 0 (0 = no limit): " + downloadBytesPerSecond);
    }
    require(adminSocket, "agent.adminSocket");
    if (cacheMaxBytes < 0) {
      throw new IllegalArgumentException(
          "agent.cacheMaxBytes must be >= 0 (0 = no budget): " + cacheMaxBytes);
    }
    if (cacheHighWatermarkPercent < 1 || cacheHighWatermarkPercent > 100) {
      throw new IllegalArgumentException(
          "agent.cacheHighWatermarkPercent must be 1..100: " + cacheHighWatermarkPercent);
    }
    if (cacheLowWatermarkPercent < 0 || cacheLowWatermarkPercent > cacheHighWatermarkPercent) {
      throw new IllegalArgumentException(
          "agent.cacheLowWatermarkPercent must be 0.."
              + cacheHighWatermarkPercent
              + " (at most agent.cacheHighWatermarkPercent): "
              + cacheLowWatermarkPercent);
    }
    require(cacheTimeToIdle, "agent.cacheTimeToIdle");
    if (cacheTimeToIdle.isNegative()) {
      throw new IllegalArgumentException(
          "agent.cacheTimeToIdle must be >= 0 (0 = never): " + cacheTimeToIdle);
    }
    require(metricsListen, "agent.metricsListen");
    if (metricsListen.isPresent()) {
      InetSocketAddress metrics = metricsListen.get();
      if (metrics.isUnresolved()) {
        throw new IllegalArgumentException("agent.metricsListen does not resolve: " + metrics);
      }
      // Port 0 picks a free port for each, so only a fixed port can clash.
      if (metrics.getPort() != 0 && metrics.equals(listen)) {
        throw new IllegalArgumentException(
            "agent.metricsListen must differ from agent.listen ("
                + listen
                + "), which serves /metrics already");
      }
    }
    clusterSecret = clusterSecret == null ? Optional.empty() : clusterSecret;
    require(origin, "agent.origin-timeout");
    require(diskFreeMin, "agent.disk-free-min");
    require(location, "agent.zone");
  }

  /** As the canonical constructor, at an unknown location (no zone, no rack). */
  public AgentConfig(
      InetSocketAddress listen,
      InetSocketAddress peerListen,
      Path dataDir,
      List<URI> trackers,
      Duration swarmDeadline,
      long uploadBytesPerSecond,
      long downloadBytesPerSecond,
      Optional<Path> adminSocket,
      long cacheMaxBytes,
      int cacheHighWatermarkPercent,
      int cacheLowWatermarkPercent,
      Duration cacheTimeToIdle,
      Optional<InetSocketAddress> metricsListen,
      Optional<ClusterSecret> clusterSecret,
      OriginLimits origin,
      SpaceLimit diskFreeMin) {
    this(
        listen,
        peerListen,
        dataDir,
        trackers,
        swarmDeadline,
        uploadBytesPerSecond,
        downloadBytesPerSecond,
        adminSocket,
        cacheMaxBytes,
        cacheHighWatermarkPercent,
        cacheLowWatermarkPercent,
        cacheTimeToIdle,
        metricsListen,
        clusterSecret,
        origin,
        diskFreeMin,
        Location.UNKNOWN);
  }

  /**
   * The settings without the cache keys and {@code metricsListen}: the default cache budget,
   * watermarks 90/75 %, no time to idle, {@code /metrics} on {@code listen} only, the default
   * origin limits and free-space floor.
   */
  public AgentConfig(
      InetSocketAddress listen,
      InetSocketAddress peerListen,
      Path dataDir,
      List<URI> trackers,
      Duration swarmDeadline,
      long uploadBytesPerSecond,
      long downloadBytesPerSecond,
      Optional<Path> adminSocket) {
    this(
        listen,
        peerListen,
        dataDir,
        trackers,
        swarmDeadline,
        uploadBytesPerSecond,
        downloadBytesPerSecond,
        adminSocket,
        DEFAULT_CACHE_MAX_BYTES,
        DEFAULT_CACHE_HIGH_WATERMARK_PERCENT,
        DEFAULT_CACHE_LOW_WATERMARK_PERCENT,
        Duration.ZERO,
        Optional.empty(),
        Optional.empty(),
        OriginLimits.DEFAULT,
        FreeSpaceFloor.DEFAULT);
  }

  /**
   * Listen on 127.0.0.1:5050, peers on a free port of loopback, 60 s swarm deadline, no rate
   * limits, no admin socket, a cache budget of 10 GiB (watermarks 90/75 %), no time to idle, no
   * separate metrics address, the default origin limits, 10% of the disk kept free.
   */
  public static AgentConfig defaults(Path dataDir, List<URI> trackers) {
    return new AgentConfig(
        DEFAULT_LISTEN,
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        dataDir,
        trackers,
        DEFAULT_SWARM_DEADLINE,
        0,
        0,
        Optional.empty());
  }

  public AgentConfig withListen(InetSocketAddress value) {
    return with(copy -> copy.listen = value);
  }

  public AgentConfig withPeerListen(InetSocketAddress value) {
    return with(copy -> copy.peerListen = value);
  }

  public AgentConfig withSwarmDeadline(Duration value) {
    return with(copy -> copy.swarmDeadline = value);
  }

  public AgentConfig withRateLimits(long uploadPerSecond, long downloadPerSecond) {
    return with(
        copy -> {
          copy.uploadBytesPerSecond = uploadPerSecond;
          copy.downloadBytesPerSecond = downloadPerSecond;
        });
  }

  public AgentConfig withAdminSocket(Optional<Path> value) {
    return with(copy -> copy.adminSocket = value);
  }

  /** The cache keys: budget in bytes (0 = none), watermarks in percent, time to idle (0 = off). */
  public AgentConfig withCache(
      long maxBytes, int highWatermarkPercent, int lowWatermarkPercent, Duration timeToIdle) {
    return with(
        copy -> {
          copy.cacheMaxBytes = maxBytes;
          copy.cacheHighWatermarkPercent = highWatermarkPercent;
          copy.cacheLowWatermarkPercent = lowWatermarkPercent;
          copy.cacheTimeToIdle = timeToIdle;
        });
  }

  /** A second address serving only {@code /metrics}; empty for none. */
  public AgentConfig withMetricsListen(Optional<InetSocketAddress> value) {
    return with(copy -> copy.metricsListen = value);
  }

  /** A copy that signs its requests to the trackers with {@code secret}. */
  public AgentConfig withClusterSecret(ClusterSecret secret) {
    return with(copy -> copy.clusterSecret = Optional.of(secret));
  }

  /** A copy with these limits on origin bodies. */
  public AgentConfig withOrigin(OriginLimits value) {
    return with(copy -> copy.origin = value);
  }

  /** A copy keeping this much free on the data directory's file system. */
  public AgentConfig withDiskFreeMin(SpaceLimit value) {
    return with(copy -> copy.diskFreeMin = value);
  }

  /** A copy at this zone and rack. */
  public AgentConfig withLocation(Location value) {
    return with(copy -> copy.location = value);
  }

  /** A copy of this config with {@code change} applied, validated as any config is. */
  private AgentConfig with(Consumer<Copy> change) {
    Copy copy = new Copy(this);
    change.accept(copy);
    return copy.build();
  }

  /** The components of a config while a copy of it is changed. */
  private static final class Copy {
    InetSocketAddress listen;
    InetSocketAddress peerListen;
    Path dataDir;
    List<URI> trackers;
    Duration swarmDeadline;
    long uploadBytesPerSecond;
    long downloadBytesPerSecond;
    Optional<Path> adminSocket;
    long cacheMaxBytes;
    int cacheHighWatermarkPercent;
    int cacheLowWatermarkPercent;
    Duration cacheTimeToIdle;
    Optional<InetSocketAddress> metricsListen;
    Optional<ClusterSecret> clusterSecret;
    OriginLimits origin;
    SpaceLimit diskFreeMin;
    Location location;

    Copy(AgentConfig config) {
      listen = config.listen;
      peerListen = config.peerListen;
      dataDir = config.dataDir;
      trackers = config.trackers;
      swarmDeadline = config.swarmDeadline;
      uploadBytesPerSecond = config.uploadBytesPerSecond;
      downloadBytesPerSecond = config.downloadBytesPerSecond;
      adminSocket = config.adminSocket;
      cacheMaxBytes = config.cacheMaxBytes;
      cacheHighWatermarkPercent = config.cacheHighWatermarkPercent;
      cacheLowWatermarkPercent = config.cacheLowWatermarkPercent;
      cacheTimeToIdle = config.cacheTimeToIdle;
      metricsListen = config.metricsListen;
      clusterSecret = config.clusterSecret;
      origin = config.origin;
      diskFreeMin = config.diskFreeMin;
      location = config.location;
    }

    AgentConfig build() {
      return new AgentConfig(
          listen,
          peerListen,
          dataDir,
          trackers,
          swarmDeadline,
          uploadBytesPerSecond,
          downloadBytesPerSecond,
          adminSocket,
          cacheMaxBytes,
          cacheHighWatermarkPercent,
          cacheLowWatermarkPercent,
          cacheTimeToIdle,
          metricsListen,
          clusterSecret,
          origin,
          diskFreeMin,
          location);
    }
  }

  /** {@code <tracker>/announce} for each tracker, in order. */
  public List<URI> announceUrls() {
    List<URI> result = new ArrayList<>(trackers.size());
    for (URI tracker : trackers) {
      result.add(URI.create(tracker + "/announce"));
    }
    return List.copyOf(result);
  }

  private static void require(Object value, String key) {
    if (value == null) {
      throw new IllegalArgumentException(key + " is required");
    }
  }

  /** An http(s) URL with a host and no query or fragment, without a trailing slash. */
  private static URI trackerBase(URI uri, String key) {
    require(uri, key);
    String scheme = uri.getScheme();
    if (!uri.isAbsolute()
        || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(key + " must be an http(s) URL with a host: " + uri);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          key + " must be a base URL without user info, query or fragment: " + LogSafe.uri(uri));
    }
    String text = uri.toString();
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    return URI.create(text);
  }
}
