package io.layerswarm.seeder;

import io.layerswarm.admin.AdminTls;
import io.layerswarm.core.Listening;
import io.layerswarm.core.auth.BearerToken;
import io.layerswarm.core.auth.ClusterSecret;
import io.layerswarm.core.disk.FreeSpaceFloor;
import io.layerswarm.core.disk.SpaceLimit;
import io.layerswarm.core.metainfo.MetainfoAnswer;
import io.layerswarm.core.topology.Location;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Seeder settings. Defaults live in {@link #defaults} and in the short constructor; the compact
 * constructor validates and names the configuration key of the first bad value.
 *
 * @param listen address of the HTTP control endpoint ({@code seeder.listen}); port 0 picks a free
 *     port
 * @param peerListen address for BitTorrent peer connections ({@code seeder.peer-listen}); port 0
 *     picks a free port
 * @param dataDir root of the blob and metainfo files ({@code seeder.data-dir})
 * @param trackerAnnounce http(s) announce URLs written into every metainfo the seeder creates
 *     ({@code seeder.trackers}), at least one
 * @param uploadBytesPerSecond peer upload cap in bytes per second, 0 for none ({@code
 *     seeder.upload-rate}); the engine's traffic shaper applies it to every peer connection
 * @param originTimeout how long an origin blob download may go without receiving a byte (or too
 *     few, see {@code originMinBytesPerSecond}) before it is abandoned ({@code
 *     seeder.origin-timeout})
 * @param adminListen address of the admin gRPC API ({@code seeder.admin-listen}); empty: no admin
 *     API. Port 0 picks a free port
 * @param adminToken bearer token every admin call must carry ({@code seeder.admin-token}); empty:
 *     no authentication (bind the admin API to loopback then)
 * @param diskHighWatermark bytes of held blobs above which the least recently used idle ones are
 *     evicted ({@code seeder.disk-high-watermark}); 0 = off
 * @param diskLowWatermark the level a watermark eviction goes down to ({@code
 *     seeder.disk-low-watermark}); at most the high watermark. 0 with a high watermark set means
 *     90% of it
 * @param timeToIdle blobs neither requested nor uploaded for this long are evicted ({@code
 *     seeder.time-to-idle}); zero = off
 * @param ringMembers the control URLs of every seeder in the cluster, this one included ({@code
 *     seeder.ring}), the same list the trackers' {@code tracker.seeders} has; empty: a ring of this
 *     seeder alone. Preheats fetch each blob on its owners in this ring
 * @param advertiseUrl this seeder's control URL as the ring names it ({@code
 *     seeder.advertise-url}); empty: {@code http://<listen address>:<port>}, which must then be a
 *     specific address
 * @param ringReplicas owners per digest R ({@code seeder.ring-replicas}), at least 1; the same
 *     value as the trackers'
 * @param adminTls the certificate chain and key the admin API serves TLS with ({@code
 *     seeder.admin-tls-cert}, {@code seeder.admin-tls-key}); empty: plaintext
 * @param clusterSecret the secret shared by the cluster's members ({@code cluster.secret-file}):
 *     {@code GET /metainfo} then takes only requests signed with it, and the seeder signs its
 *     announces and its requests to other seeders. Empty: open mode
 * @param notificationsToken the bearer token {@code POST /notifications} needs ({@code
 *     seeder.notifications-token-file}); empty: notifications are taken only in open mode
 * @param originMinBytesPerSecond an origin download that brings fewer bytes per second than this
 *     over an {@code originTimeout} is abandoned too ({@code seeder.origin-min-rate}); 0: only a
 *     complete stall counts
 * @param diskFreeMin the free space kept on the data directory's file system: below it, the least
 *     recently used idle blobs are evicted, and a blob that does not fit is not fetched ({@code
 *     seeder.disk-free-min}; default 10%)
 * @param location the seeder's zone and rack ({@code seeder.zone}, {@code seeder.rack}), announced
 *     to the trackers and told to peers; unknown by default
 * @param preheatApiToken the token the Dragonfly preheat API (Harbor's provider) needs ({@code
 *     seeder.preheat-api-token-file}); empty: the API is open in open mode and off otherwise
 * @param inlineMaxBytes blobs of at most this many bytes travel inside the metainfo answer, so an
 *     agent serves them without a swarm ({@code seeder.inline-max-bytes}; default {@value
 *     MetainfoAnswer#DEFAULT_INLINE_MAX_BYTES}, at most {@value MetainfoAnswer#MAX_INLINE_BYTES}; 0
 *     = off)
 */
public record SeederConfig(
    InetSocketAddress listen,
    InetSocketAddress peerListen,
    Path dataDir,
    List<URI> trackerAnnounce,
    long uploadBytesPerSecond,
    Duration originTimeout,
    Optional<InetSocketAddress> adminListen,
    Optional<String> adminToken,
    long diskHighWatermark,
    long diskLowWatermark,
    Duration timeToIdle,
    List<URI> ringMembers,
    Optional<URI> advertiseUrl,
    int ringReplicas,
    Optional<AdminTls> adminTls,
    Optional<ClusterSecret> clusterSecret,
    Optional<BearerToken> notificationsToken,
    long originMinBytesPerSecond,
    SpaceLimit diskFreeMin,
    Location location,
    Optional<BearerToken> preheatApiToken,
    int inlineMaxBytes) {

  /** Default for {@code seeder.origin-timeout}. */
  public static final Duration DEFAULT_ORIGIN_TIMEOUT = Duration.ofSeconds(30);

  /** Default for {@code seeder.origin-min-rate}: 16 KiB/s, a link slower than that is broken. */
  public static final long DEFAULT_ORIGIN_MIN_RATE = 16 * 1024;

  /** Default for {@code seeder.ring-replicas}. */
  public static final int DEFAULT_RING_REPLICAS = 2;

  /** The low watermark, in percent of the high one, when only the high one is set. */
  public static final int DEFAULT_LOW_WATERMARK_PERCENT = 90;

  public SeederConfig {
    if (listen == null) {
      throw new IllegalArgumentException("seeder.listen is required");
    }
    if (peerListen == null) {
      throw new IllegalArgumentException("seeder.peer-listen is required");
    }
    if (dataDir == null) {
      throw new IllegalArgumentException("seeder.data-dir is required");
    }
    if (trackerAnnounce == null || trackerAnnounce.isEmpty()) {
      throw new IllegalArgumentException("seeder.trackers needs at least one announce URL");
    }
    for (URI uri : trackerAnnounce) {
      if (!isHttpUrl(uri)) {
        throw new IllegalArgumentException(
            "seeder.trackers entries must be absolute http(s) URLs: " + uri);
      }
      // They go into every torrent, which any peer may read.
      if (uri.getRawUserInfo() != null || uri.getRawQuery() != null) {
        throw new IllegalArgumentException(
            "seeder.trackers entries go into every torrent, so they must carry no user info and"
                + " no query: "
                + io.layerswarm.core.auth.LogSafe.uri(uri));
      }
    }
    trackerAnnounce = List.copyOf(trackerAnnounce);
    if (uploadBytesPerSecond < 0) {
      throw new IllegalArgumentException(
          "seeder.upload-rate must be >= 0 (0 = unlimited): " + uploadBytesPerSecond);
    }
    if (originTimeout == null || originTimeout.isNegative() || originTimeout.isZero()) {
      throw new IllegalArgumentException(
          "seeder.origin-timeout must be positive: " + originTimeout);
    }
    adminListen = adminListen == null ? Optional.empty() : adminListen;
    adminToken = adminToken == null ? Optional.empty() : adminToken.filter(t -> !t.isEmpty());
    if (adminToken.isPresent() && !adminToken.get().chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException(
          "seeder.admin-token must be printable ASCII without spaces (it goes into a header)");
    }
    if (adminToken.isPresent() && adminListen.isEmpty()) {
      throw new IllegalArgumentException(
          "seeder.admin-token is set but seeder.admin-listen is not: there is no admin API to"
              + " protect");
    }
    if (diskHighWatermark < 0) {
      throw new IllegalArgumentException(
          "seeder.disk-high-watermark must be >= 0 (0 = off): " + diskHighWatermark);
    }
    if (diskLowWatermark < 0) {
      throw new IllegalArgumentException(
          "seeder.disk-low-watermark must be >= 0: " + diskLowWatermark);
    }
    if (diskHighWatermark == 0 && diskLowWatermark > 0) {
      throw new IllegalArgumentException(
          "seeder.disk-low-watermark is set but seeder.disk-high-watermark is 0 (off)");
    }
    if (diskLowWatermark > diskHighWatermark) {
      throw new IllegalArgumentException(
          "seeder.disk-low-watermark ("
              + diskLowWatermark
              + ") must not be above seeder.disk-high-watermark ("
              + diskHighWatermark
              + ")");
    }
    if (diskHighWatermark > 0 && diskLowWatermark == 0) {
      diskLowWatermark =
          diskHighWatermark / 100 * DEFAULT_LOW_WATERMARK_PERCENT
              + diskHighWatermark % 100 * DEFAULT_LOW_WATERMARK_PERCENT / 100;
    }
    if (timeToIdle == null || timeToIdle.isNegative()) {
      throw new IllegalArgumentException(
          "seeder.time-to-idle must be >= 0 (0 = off): " + timeToIdle);
    }
    ringMembers = ringMembers == null ? List.of() : List.copyOf(ringMembers);
    Set<String> seen = new HashSet<>();
    for (URI member : ringMembers) {
      if (!isHttpUrl(member)) {
        throw new IllegalArgumentException(
            "seeder.ring entries must be absolute http(s) control URLs: " + member);
      }
      if (!seen.add(normalized(member))) {
        throw new IllegalArgumentException("seeder.ring lists " + member + " twice");
      }
    }
    advertiseUrl = advertiseUrl == null ? Optional.empty() : advertiseUrl;
    if (advertiseUrl.isPresent() && !isHttpUrl(advertiseUrl.get())) {
      throw new IllegalArgumentException(
          "seeder.advertise-url must be an absolute http(s) URL: " + advertiseUrl.get());
    }
    if (advertiseUrl.isPresent()
        && !ringMembers.isEmpty()
        && !seen.contains(normalized(advertiseUrl.get()))) {
      throw new IllegalArgumentException(
          "seeder.advertise-url "
              + advertiseUrl.get()
              + " is not one of seeder.ring "
              + ringMembers);
    }
    if (ringReplicas < 1) {
      throw new IllegalArgumentException("seeder.ring-replicas must be >= 1: " + ringReplicas);
    }
    InetAddress host = listen.getAddress();
    if (!ringMembers.isEmpty()
        && advertiseUrl.isEmpty()
        && host != null
        && host.isAnyLocalAddress()) {
      throw new IllegalArgumentException(
          "seeder.advertise-url is required: seeder.listen "
              + Listening.hostPort(listen)
              + " is a wildcard address, so this seeder cannot tell which of seeder.ring "
              + ringMembers
              + " it is; set seeder.advertise-url to its entry");
    }
    adminTls = adminTls == null ? Optional.empty() : adminTls;
    if (adminTls.isPresent() && adminListen.isEmpty()) {
      throw new IllegalArgumentException(
          "seeder.admin-tls-cert and seeder.admin-tls-key are set"
              + " but seeder.admin-listen is not: there is no admin API to serve over TLS");
    }
    clusterSecret = clusterSecret == null ? Optional.empty() : clusterSecret;
    notificationsToken = notificationsToken == null ? Optional.empty() : notificationsToken;
    if (originMinBytesPerSecond < 0) {
      throw new IllegalArgumentException(
          "seeder.origin-min-rate must be >= 0 (0 = only a stall counts): "
              + originMinBytesPerSecond);
    }
    if (diskFreeMin == null) {
      throw new IllegalArgumentException("seeder.disk-free-min is required (0 = off)");
    }
    if (location == null) {
      throw new IllegalArgumentException("seeder.zone and seeder.rack are required (or unknown)");
    }
    preheatApiToken = preheatApiToken == null ? Optional.empty() : preheatApiToken;
    if (inlineMaxBytes < 0 || inlineMaxBytes > MetainfoAnswer.MAX_INLINE_BYTES) {
      throw new IllegalArgumentException(
          "seeder.inline-max-bytes must be in [0, "
              + MetainfoAnswer.MAX_INLINE_BYTES
              + "] (0 = off): "
              + inlineMaxBytes);
    }
  }

  /**
   * As the canonical constructor, at an unknown location (no zone, no rack), without a preheat API
   * token, inlining blobs up to {@link MetainfoAnswer#DEFAULT_INLINE_MAX_BYTES}.
   */
  public SeederConfig(
      InetSocketAddress listen,
      InetSocketAddress peerListen,
      Path dataDir,
      List<URI> trackerAnnounce,
      long uploadBytesPerSecond,
      Duration originTimeout,
      Optional<InetSocketAddress> adminListen,
      Optional<String> adminToken,
      long diskHighWatermark,
      long diskLowWatermark,
      Duration timeToIdle,
      List<URI> ringMembers,
      Optional<URI> advertiseUrl,
      int ringReplicas,
      Optional<AdminTls> adminTls,
      Optional<ClusterSecret> clusterSecret,
      Optional<BearerToken> notificationsToken,
      long originMinBytesPerSecond,
      SpaceLimit diskFreeMin) {
    this(
        listen,
        peerListen,
        dataDir,
        trackerAnnounce,
        uploadBytesPerSecond,
        originTimeout,
        adminListen,
        adminToken,
        diskHighWatermark,
        diskLowWatermark,
        timeToIdle,
        ringMembers,
        advertiseUrl,
        ringReplicas,
        adminTls,
        clusterSecret,
        notificationsToken,
        originMinBytesPerSecond,
        diskFreeMin,
        Location.UNKNOWN,
        Optional.empty(),
        MetainfoAnswer.DEFAULT_INLINE_MAX_BYTES);
  }

  /**
   * The settings of the first seeder version: no admin API, no eviction, a ring of this seeder
   * alone.
   */
  public SeederConfig(
      InetSocketAddress listen,
      InetSocketAddress peerListen,
      Path dataDir,
      List<URI> trackerAnnounce,
      long uploadBytesPerSecond,
      Duration originTimeout) {
    this(
        listen,
        peerListen,
        dataDir,
        trackerAnnounce,
        uploadBytesPerSecond,
        originTimeout,
        Optional.empty(),
        Optional.empty(),
        0,
        0,
        Duration.ZERO,
        List.of(),
        Optional.empty(),
        DEFAULT_RING_REPLICAS,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        DEFAULT_ORIGIN_MIN_RATE,
        FreeSpaceFloor.DEFAULT);
  }

  /**
   * Loopback defaults, as for tests and a single-host trial: control endpoint and peer port on
   * 127.0.0.1 with free ports, no upload cap, {@link #DEFAULT_ORIGIN_TIMEOUT} and {@link
   * #DEFAULT_ORIGIN_MIN_RATE}, no admin API, no eviction but for 10% of the disk kept free, a ring
   * of this seeder alone.
   */
  public static SeederConfig defaults(Path dataDir, List<URI> trackerAnnounce) {
    return new SeederConfig(
        new InetSocketAddress("127.0.0.1", 0),
        new InetSocketAddress("127.0.0.1", 0),
        dataDir,
        trackerAnnounce,
        0,
        DEFAULT_ORIGIN_TIMEOUT);
  }

  /** A copy with the admin API on {@code address} and the optional token. */
  public SeederConfig withAdmin(InetSocketAddress address, Optional<String> token) {
    return with(
        copy -> {
          copy.adminListen = Optional.of(address);
          copy.adminToken = token;
        });
  }

  /** A copy serving the admin API over TLS with {@code tls}; needs {@link #withAdmin} first. */
  public SeederConfig withAdminTls(AdminTls tls) {
    return with(copy -> copy.adminTls = Optional.of(tls));
  }

  /** A copy that signs its requests and takes only signed metainfo requests. */
  public SeederConfig withClusterSecret(ClusterSecret secret) {
    return with(copy -> copy.clusterSecret = Optional.of(secret));
  }

  /** A copy that takes registry notifications only with {@code token}. */
  public SeederConfig withNotificationsToken(BearerToken token) {
    return with(copy -> copy.notificationsToken = Optional.of(token));
  }

  /** A copy whose preheat API (Harbor's provider) takes only {@code token}. */
  public SeederConfig withPreheatApiToken(BearerToken token) {
    return with(copy -> copy.preheatApiToken = Optional.of(token));
  }

  /** A copy with these eviction settings. */
  public SeederConfig withEviction(long highWatermark, long lowWatermark, Duration idle) {
    return with(
        copy -> {
          copy.diskHighWatermark = highWatermark;
          copy.diskLowWatermark = lowWatermark;
          copy.timeToIdle = idle;
        });
  }

  /** A copy keeping this much free on the data directory's file system. */
  public SeederConfig withDiskFreeMin(SpaceLimit value) {
    return with(copy -> copy.diskFreeMin = value);
  }

  /** A copy abandoning origin downloads slower than {@code bytesPerSecond}. */
  public SeederConfig withOriginMinRate(long bytesPerSecond) {
    return with(copy -> copy.originMinBytesPerSecond = bytesPerSecond);
  }

  /** A copy with this upload cap. */
  public SeederConfig withUploadRate(long bytesPerSecond) {
    return with(copy -> copy.uploadBytesPerSecond = bytesPerSecond);
  }

  /** A copy whose control endpoint listens on {@code address}. */
  public SeederConfig withListen(InetSocketAddress address) {
    return with(copy -> copy.listen = address);
  }

  /** A copy with this ring. */
  public SeederConfig withRing(List<URI> members, Optional<URI> advertise, int replicas) {
    return with(
        copy -> {
          copy.ringMembers = members;
          copy.advertiseUrl = advertise;
          copy.ringReplicas = replicas;
        });
  }

  /** A copy inlining blobs of at most {@code bytes} into metainfo answers; 0: none. */
  public SeederConfig withInlineMaxBytes(int bytes) {
    return with(copy -> copy.inlineMaxBytes = bytes);
  }

  /** A copy at this zone and rack. */
  public SeederConfig withLocation(Location value) {
    return with(copy -> copy.location = value);
  }

  /** A copy of this config with {@code change} applied, validated as any config is. */
  private SeederConfig with(Consumer<Copy> change) {
    Copy copy = new Copy(this);
    change.accept(copy);
    return copy.build();
  }

  /** The components of a config while a copy of it is changed. */
  private static final class Copy {
    InetSocketAddress listen;
    InetSocketAddress peerListen;
    Path dataDir;
    List<URI> trackerAnnounce;
    long uploadBytesPerSecond;
    Duration originTimeout;
    Optional<InetSocketAddress> adminListen;
    Optional<String> adminToken;
    long diskHighWatermark;
    long diskLowWatermark;
    Duration timeToIdle;
    List<URI> ringMembers;
    Optional<URI> advertiseUrl;
    int ringReplicas;
    Optional<AdminTls> adminTls;
    Optional<ClusterSecret> clusterSecret;
    Optional<BearerToken> notificationsToken;
    long originMinBytesPerSecond;
    SpaceLimit diskFreeMin;
    Location location;
    Optional<BearerToken> preheatApiToken;
    int inlineMaxBytes;

    Copy(SeederConfig config) {
      listen = config.listen;
      peerListen = config.peerListen;
      dataDir = config.dataDir;
      trackerAnnounce = config.trackerAnnounce;
      uploadBytesPerSecond = config.uploadBytesPerSecond;
      originTimeout = config.originTimeout;
      adminListen = config.adminListen;
      adminToken = config.adminToken;
      diskHighWatermark = config.diskHighWatermark;
      diskLowWatermark = config.diskLowWatermark;
      timeToIdle = config.timeToIdle;
      ringMembers = config.ringMembers;
      advertiseUrl = config.advertiseUrl;
      ringReplicas = config.ringReplicas;
      adminTls = config.adminTls;
      clusterSecret = config.clusterSecret;
      notificationsToken = config.notificationsToken;
      originMinBytesPerSecond = config.originMinBytesPerSecond;
      diskFreeMin = config.diskFreeMin;
      location = config.location;
      preheatApiToken = config.preheatApiToken;
      inlineMaxBytes = config.inlineMaxBytes;
    }

    SeederConfig build() {
      return new SeederConfig(
          listen,
          peerListen,
          dataDir,
          trackerAnnounce,
          uploadBytesPerSecond,
          originTimeout,
          adminListen,
          adminToken,
          diskHighWatermark,
          diskLowWatermark,
          timeToIdle,
          ringMembers,
          advertiseUrl,
          ringReplicas,
          adminTls,
          clusterSecret,
          notificationsToken,
          originMinBytesPerSecond,
          diskFreeMin,
          location,
          preheatApiToken,
          inlineMaxBytes);
    }
  }

  private static boolean isHttpUrl(URI uri) {
    return uri != null
        && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
        && uri.getHost() != null;
  }

  /** As the ring compares members: case-insensitive scheme and host, no trailing slash. */
  private static String normalized(URI uri) {
    return io.layerswarm.core.ring.SeederRing.memberId(uri).toString();
  }

  @Override
  public String toString() {
    // The tokens and the secret stay out of logs.
    return "SeederConfig[listen="
        + listen
        + ", peerListen="
        + peerListen
        + ", dataDir="
        + dataDir
        + ", trackerAnnounce="
        + trackerAnnounce
        + ", uploadBytesPerSecond="
        + uploadBytesPerSecond
        + ", originTimeout="
        + originTimeout
        + ", adminListen="
        + adminListen
        + ", adminToken="
        + adminToken.map(t -> "***").orElse("none")
        + ", diskHighWatermark="
        + diskHighWatermark
        + ", diskLowWatermark="
        + diskLowWatermark
        + ", timeToIdle="
        + timeToIdle
        + ", ringMembers="
        + ringMembers
        + ", advertiseUrl="
        + advertiseUrl
        + ", ringReplicas="
        + ringReplicas
        + ", adminTls="
        + adminTls
        + ", clusterSecret="
        + clusterSecret.map(s -> "***").orElse("none (open mode)")
        + ", notificationsToken="
        + notificationsToken.map(t -> "***").orElse("none")
        + ", originMinBytesPerSecond="
        + originMinBytesPerSecond
        + ", diskFreeMin="
        + diskFreeMin
        + ", preheatApiToken="
        + preheatApiToken.map(t -> "***").orElse("none")
        + ", inlineMaxBytes="
        + inlineMaxBytes
        + "]";
  }
}
