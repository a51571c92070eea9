package io.layerswarm.swarm;

import io.layerswarm.core.auth.ClusterSecret;
import io.layerswarm.core.topology.Location;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Engine settings.
 *
 * @param listen address for incoming peer connections; port 0 picks a free port
 * @param announceHost the IP to announce to trackers (the "ip" parameter), or null to let the
 *     tracker use the connection's source address
 * @param uploadBytesPerSecond engine-wide upload cap, 0 for none
 * @param downloadBytesPerSecond engine-wide download cap, 0 for none
 * @param maxConnectionsPerTorrent cap on peer connections per torrent
 * @param peerLimits the engine's connection budgets (incoming, outgoing, per address) and its
 *     handshake timeout
 * @param announceInterval default re-announce interval when the tracker gives none
 * @param announceParams extra announce query parameters (for example zone, rack)
 * @param pieceMemoryBytes memory for pieces being downloaded, for all torrents together: blocks are
 *     assembled in memory and each piece is hashed and written whole. Each torrent may hold one
 *     piece beyond it. About 0.1 s of download is enough; {@link #DEFAULT_PIECE_MEMORY}
 * @param clusterSecret the cluster's secret ({@code cluster.secret-file}): announces are signed
 *     with its HTTP key (see {@link io.layerswarm.core.auth.HttpSignature}), and peers exchange
 *     pieces only after each proved it holds the peer key ({@link
 *     io.layerswarm.swarm.wire.MemberProof}); empty: open mode, nothing signed, any BitTorrent peer
 *     served
 * @param location this member's zone and rack ({@code agent.zone}, {@code agent.rack}, ...): sent
 *     with every announce as the {@code zone} and {@code rack} parameters; unknown sends neither
 */
public record EngineConfig(
    InetSocketAddress listen,
    String announceHost,
    long uploadBytesPerSecond,
    long downloadBytesPerSecond,
    int maxConnectionsPerTorrent,
    PeerLimits peerLimits,
    Duration announceInterval,
    Map<String, String> announceParams,
    long pieceMemoryBytes,
    Optional<ClusterSecret> clusterSecret,
    Location location) {

  /** 32 MiB: 64 pieces of 512 KiB, a quarter of a second at 1 Gbit/s. */
  public static final long DEFAULT_PIECE_MEMORY = 32L * 1024 * 1024;

  public EngineConfig {
    if (listen == null) {
      throw new IllegalArgumentException("listen address is required");
    }
    if (uploadBytesPerSecond < 0 || downloadBytesPerSecond < 0) {
      throw new IllegalArgumentException("rate limits must be >= 0");
    }
    if (maxConnectionsPerTorrent < 1) {
      throw new IllegalArgumentException("connection caps must be >= 1");
    }
    Objects.requireNonNull(peerLimits, "peerLimits");
    if (pieceMemoryBytes < 0) {
      throw new IllegalArgumentException("piece memory must be >= 0");
    }
    announceParams = Map.copyOf(announceParams);
    clusterSecret = clusterSecret == null ? Optional.empty() : clusterSecret;
    Objects.requireNonNull(location, "location");
  }

  /**
   * As the canonical constructor, in open mode (no cluster secret), with {@code maxConnections} as
   * both the incoming and the outgoing budget ({@link PeerLimits#of}).
   */
  public EngineConfig(
      InetSocketAddress listen,
      String announceHost,
      long uploadBytesPerSecond,
      long downloadBytesPerSecond,
      int maxConnectionsPerTorrent,
      int maxConnections,
      Duration announceInterval,
      Map<String, String> announceParams,
      long pieceMemoryBytes) {
    this(
        listen,
        announceHost,
        uploadBytesPerSecond,
        downloadBytesPerSecond,
        maxConnectionsPerTorrent,
        PeerLimits.of(maxConnections),
        announceInterval,
        announceParams,
        pieceMemoryBytes,
        Optional.empty(),
        Location.UNKNOWN);
  }

  /** With {@link #DEFAULT_PIECE_MEMORY}, in open mode. */
  public EngineConfig(
      InetSocketAddress listen,
      String announceHost,
      long uploadBytesPerSecond,
      long downloadBytesPerSecond,
      int maxConnectionsPerTorrent,
      int maxConnections,
      Duration announceInterval,
      Map<String, String> announceParams) {
    this(
        listen,
        announceHost,
        uploadBytesPerSecond,
        downloadBytesPerSecond,
        maxConnectionsPerTorrent,
        maxConnections,
        announceInterval,
        announceParams,
        DEFAULT_PIECE_MEMORY);
  }

  /** This configuration with {@code bytes} of piece memory. */
  public EngineConfig withPieceMemory(long bytes) {
    return new EngineConfig(
        listen,
        announceHost,
        uploadBytesPerSecond,
        downloadBytesPerSecond,
        maxConnectionsPerTorrent,
        peerLimits,
        announceInterval,
        announceParams,
        bytes,
        clusterSecret,
        location);
  }

  /** This configuration as a member of the cluster that shares {@code secret}. */
  public EngineConfig withClusterSecret(ClusterSecret secret) {
    return new EngineConfig(
        listen,
        announceHost,
        uploadBytesPerSecond,
        downloadBytesPerSecond,
        maxConnectionsPerTorrent,
        peerLimits,
        announceInterval,
        announceParams,
        pieceMemoryBytes,
        Optional.of(secret),
        location);
  }

  /** This configuration with other connection budgets or handshake timeout. */
  public EngineConfig withPeerLimits(PeerLimits limits) {
    return new EngineConfig(
        listen,
        announceHost,
        uploadBytesPerSecond,
        downloadBytesPerSecond,
        maxConnectionsPerTorrent,
        limits,
        announceInterval,
        announceParams,
        pieceMemoryBytes,
        clusterSecret,
        location);
  }

  /** This configuration at {@code value} (zone and rack). */
  public EngineConfig withLocation(Location value) {
    return new EngineConfig(
        listen,
        announceHost,
        uploadBytesPerSecond,
        downloadBytesPerSecond,
        maxConnectionsPerTorrent,
        peerLimits,
        announceInterval,
        announceParams,
        pieceMemoryBytes,
        clusterSecret,
        value);
  }

  /** Defaults: no rate limits, 50 connections per torrent, {@link PeerLimits#DEFAULTS}. */
  public static EngineConfig defaults(InetSocketAddress listen) {
    return new EngineConfig(
        listen,
        null,
        0,
        0,
        50,
        PeerLimits.DEFAULTS,
        Duration.ofSeconds(30),
        Map.of(),
        DEFAULT_PIECE_MEMORY,
        Optional.empty(),
        Location.UNKNOWN);
  }

  /** The announce query parameters: {@link #announceParams} plus the location's zone and rack. */
  public Map<String, String> announceQuery() {
    if (location.isUnknown()) {
      return announceParams;
    }
    Map<String, String> query = new java.util.HashMap<>(announceParams);
    query.putAll(location.announceParams());
    return Map.copyOf(query);
  }
}
