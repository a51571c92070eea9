package io.layerswarm.swarm.tracker;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A successful announce (BEP 3, compact peers per BEP 23, IPv6 peers per BEP 7).
 *
 * @param interval how long to wait before the next regular announce, if the tracker said
 * @param minInterval the tracker's lower bound for re-announces, if it gave one
 * @param peers peers of the swarm; hostnames stay unresolved
 */
public record AnnounceResponse(
    Optional<Duration> interval,
    Optional<Duration> minInterval,
    List<InetSocketAddress> peers,
    Optional<String> trackerId,
    Optional<String> warning) {
  public AnnounceResponse {
    peers = List.copyOf(peers);
  }
}
