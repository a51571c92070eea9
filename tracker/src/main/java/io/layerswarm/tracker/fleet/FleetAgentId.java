package io.layerswarm.tracker.fleet;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.util.Comparator;
import java.util.Objects;

/**
 * One agent, as the tracker tells agents apart: the address its requests come from (as for
 * announces) and its BitTorrent peer port, which it sends. The same pair names it in the swarms'
 * peer lists ({@code layerswarm swarm-peers}).
 */
public record FleetAgentId(InetAddress ip, int port) implements Comparable<FleetAgentId> {
  private static final Comparator<FleetAgentId> ORDER =
      Comparator.comparing((FleetAgentId a) -> InetAddresses.toAddrString(a.ip()))
          .thenComparingInt(FleetAgentId::port);

  public FleetAgentId {
    Objects.requireNonNull(ip, "ip");
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port must be 1..65535, got " + port);
    }
  }

  @Override
  public int compareTo(FleetAgentId other) {
    return ORDER.compare(this, other);
  }

  /** {@code ip:port}, or {@code [ipv6]:port}. */
  @Override
  public String toString() {
    return InetAddresses.toUriString(ip) + ":" + port;
  }
}
