package io.layerswarm.swarm;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

/**
 * Engine settings.
 *
 * @param listen address for incoming peer connections; port 0 picks a free port
 * @param announceHost the IP to announce to trackers (the "ip" parameter), or null to let the
 *     tracker use the connection's source address
 * @param uploadBytesPerSecond engine-wide upload cap, 0 for none
 * @param downloadBytesPerSecond engine-wide download cap, 0 for none
 * @param maxConnectionsPerTorrent cap on peer connections per torrent
 * @param maxConnections cap on peer connections for the whole engine
 * @param announceInterval default re-announce interval when the tracker gives none
 * @param announceParams extra announce query parameters (for example zone, rack)
 */
public record EngineConfig(
    InetSocketAddress listen,
    String announceHost,
    long uploadBytesPerSecond,
    long downloadBytesPerSecond,
    int maxConnectionsPerTorrent,
    int maxConnections,
    Duration announceInterval,
    Map<String, String> announceParams) {

  public EngineConfig {
    if (listen == null) {
      throw new IllegalArgumentException("listen address is required");
    }
    if (uploadBytesPerSecond < 0 || downloadBytesPerSecond < 0) {
      throw new IllegalArgumentException("rate limits must be >= 0");
    }
    if (maxConnectionsPerTorrent < 1 || maxConnections < 1) {
      throw new IllegalArgumentException("connection caps must be >= 1");
    }
    announceParams = Map.copyOf(announceParams);
  }

  /** Loopback defaults for tests: free port, no limits. */
  public static EngineConfig defaults(InetSocketAddress listen) {
    return new EngineConfig(listen, null, 0, 0, 50, 1000, Duration.ofSeconds(30), Map.of());
  }
}
