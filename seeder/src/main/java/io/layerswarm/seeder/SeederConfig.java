package io.layerswarm.seeder;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Seeder settings. Defaults live in {@link #defaults}; the compact constructor validates and names
 * the configuration key of the first bad value.
 *
 * @param listen address of the HTTP control endpoint ({@code seeder.listen}); port 0 picks a free
 *     port
 * @param peerListen address for BitTorrent peer connections ({@code seeder.peer-listen}); port 0
 *     picks a free port
 * @param dataDir root of the blob and metainfo files ({@code seeder.data-dir})
 * @param trackerAnnounce http(s) announce URLs written into every metainfo the seeder creates
 *     ({@code seeder.tracker-announce}), at least one
 * @param uploadBytesPerSecond peer upload cap in bytes per second, 0 for none ({@code
 *     seeder.upload-bytes-per-second})
 * @param originTimeout how long an origin blob download may go without receiving a byte before it
 *     is abandoned ({@code seeder.origin-timeout})
 */
public record SeederConfig(
    InetSocketAddress listen,
    InetSocketAddress peerListen,
    Path dataDir,
    List<URI> trackerAnnounce,
    long uploadBytesPerSecond,
    Duration originTimeout) {

  /** Default for {@code seeder.origin-timeout}. */
  public static final Duration DEFAULT_ORIGIN_TIMEOUT = Duration.ofSeconds(30);

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
      throw new IllegalArgumentException("seeder.tracker-announce needs at least one announce URL");
    }
    for (URI uri : trackerAnnounce) {
      if (uri == null
          || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "seeder.tracker-announce entries must be absolute http(s) URLs: " + uri);
      }
    }
    trackerAnnounce = List.copyOf(trackerAnnounce);
    if (uploadBytesPerSecond < 0) {
      throw new IllegalArgumentException(
          "seeder.upload-bytes-per-second must be >= 0 (0 = unlimited): " + uploadBytesPerSecond);
    }
    if (originTimeout == null || originTimeout.isNegative() || originTimeout.isZero()) {
      throw new IllegalArgumentException("seeder.origin-timeout must be positive: " + originTimeout);
    }
  }

  /**
   * Loopback defaults, as for tests and a single-host trial: control endpoint and peer port on
   * 127.0.0.1 with free ports, no upload cap, {@link #DEFAULT_ORIGIN_TIMEOUT}.
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
}
