package io.layerswarm.tracker.http;

import java.time.Duration;

/**
 * How many connections the tracker's HTTP listener holds, and for how long an idle one stays.
 * Connections beyond a cap are closed as soon as they are accepted, before a byte is read.
 *
 * @param maxConnections open connections in all ({@code tracker.max-connections})
 * @param maxConnectionsPerAddress open connections from one IP address ({@code
 *     tracker.max-connections-per-address}); trusted proxies are exempt
 * @param idleTimeout a connection with no traffic and no request being answered for this long is
 *     closed ({@code tracker.idle-timeout}); a metainfo request that waits for a seeder keeps its
 *     connection however long it takes
 */
public record ConnectionLimits(
    int maxConnections, int maxConnectionsPerAddress, Duration idleTimeout) {
  /**
   * 16,384 connections, 1,024 per address (an agent opens one per blob it asks metainfo for at
   * once, and test beds run many agents on one address), 120 s idle.
   */
  public static final ConnectionLimits DEFAULTS =
      new ConnectionLimits(16_384, 1_024, Duration.ofSeconds(120));

  public ConnectionLimits {
    if (maxConnections < 1) {
      throw new IllegalArgumentException(
          "tracker.max-connections must be >= 1, got " + maxConnections);
    }
    if (maxConnectionsPerAddress < 1) {
      throw new IllegalArgumentException(
          "tracker.max-connections-per-address must be >= 1, got " + maxConnectionsPerAddress);
    }
    if (idleTimeout == null || idleTimeout.toSeconds() < 1) {
      throw new IllegalArgumentException(
          "tracker.idle-timeout must be at least 1s, got " + idleTimeout);
    }
  }
}
