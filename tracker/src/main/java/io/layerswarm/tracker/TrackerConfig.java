package io.layerswarm.tracker;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The tracker service's settings. Defaults live in {@link #defaults}; every check names the
 * config key it is about.
 *
 * @param listen where the HTTP server binds ({@code tracker.listen}); port 0 picks a free port
 * @param announceInterval sent to clients as {@code interval} ({@code tracker.announce-interval})
 * @param minAnnounceInterval sent as {@code min interval} ({@code tracker.min-announce-interval})
 * @param peerTtl how long a peer stays listed after its last announce ({@code tracker.peer-ttl});
 *     longer than the interval, so one late announce does not drop a peer
 * @param defaultNumwant peers returned when a client sends no {@code numwant}
 *     ({@code tracker.default-numwant})
 * @param maxNumwant the most peers one announce returns ({@code tracker.max-numwant})
 * @param seeders base URIs of the seeders' HTTP endpoints, asked in order for metainfo
 *     ({@code tracker.seeders})
 */
public record TrackerConfig(
    InetSocketAddress listen,
    Duration announceInterval,
    Duration minAnnounceInterval,
    Duration peerTtl,
    int defaultNumwant,
    int maxNumwant,
    List<URI> seeders) {

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
      requireHttpUri("tracker.seeders", seeder);
    }
    seeders = List.copyOf(seeders);
  }

  /** Interval 30 s, min interval 5 s, peer TTL 3 x interval, numwant 50 (max 200), no seeders. */
  public static TrackerConfig defaults(InetSocketAddress listen) {
    return new TrackerConfig(listen, DEFAULT_ANNOUNCE_INTERVAL, DEFAULT_MIN_ANNOUNCE_INTERVAL,
        DEFAULT_ANNOUNCE_INTERVAL.multipliedBy(3), DEFAULT_NUMWANT, DEFAULT_MAX_NUMWANT,
        List.of());
  }

  public TrackerConfig withSeeders(List<URI> seeders) {
    return new TrackerConfig(listen, announceInterval, minAnnounceInterval, peerTtl,
        defaultNumwant, maxNumwant, seeders);
  }

  /** Sets the interval, and the peer TTL to 3 x the interval. */
  public TrackerConfig withAnnounceInterval(Duration interval) {
    requireWholeSeconds("tracker.announce-interval", interval);
    Duration min = minAnnounceInterval.compareTo(interval) > 0 ? interval : minAnnounceInterval;
    return new TrackerConfig(listen, interval, min, interval.multipliedBy(3), defaultNumwant,
        maxNumwant, seeders);
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

  static void requireHttpUri(String key, URI uri) {
    if (uri == null || !uri.isAbsolute() || uri.getHost() == null
        || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
      throw new IllegalArgumentException(key + " entries must be absolute http(s) URIs, got "
          + uri);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(key + " entries must have no query or fragment, got "
          + uri);
    }
  }
}
