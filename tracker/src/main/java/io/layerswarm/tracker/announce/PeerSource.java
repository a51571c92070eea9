package io.layerswarm.tracker.announce;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.util.Optional;

/**
 * Where an announcing peer accepts connections: the address its announce came from, never what it
 * claims, unless the connection is from a {@linkplain TrustedProxies trusted proxy}. A proxy's word
 * is the last entry of {@code X-Forwarded-For} (the address the proxy saw; a header, so it does not
 * break a request's signature), else the {@code ip} parameter; an address other peers cannot reach
 * (loopback, wildcard, multicast, link-local) is refused. From anyone else {@code ip} and {@code
 * X-Forwarded-For} are ignored (BEP 3 lets a tracker do so), so nobody can list a peer at another
 * host's address or move one that is there. Pure.
 */
public final class PeerSource {
  private PeerSource() {}

  /**
   * @param remote the connection's source address
   * @param forwardedFor the {@code X-Forwarded-For} header, or empty
   * @param ip the {@code ip} parameter, or empty
   * @throws InvalidParameterException when a trusted proxy's word is not a usable address
   */
  public static InetAddress ip(
      InetAddress remote,
      Optional<String> forwardedFor,
      Optional<InetAddress> ip,
      TrustedProxies proxies) {
    if (!proxies.contains(remote)) {
      return remote;
    }
    if (forwardedFor.isPresent() && !forwardedFor.get().isBlank()) {
      String header = forwardedFor.get();
      String last = header.substring(header.lastIndexOf(',') + 1).trim();
      if (last.startsWith("[") && last.endsWith("]")) {
        last = last.substring(1, last.length() - 1);
      }
      if (last.indexOf('%') >= 0 || !InetAddresses.isInetAddress(last)) {
        throw new InvalidParameterException(
            "X-Forwarded-For",
            "X-Forwarded-For from a trusted proxy must end with an IP address, got '"
                + AnnounceRequest.printable(last)
                + "'");
      }
      return reachable("X-Forwarded-For", InetAddresses.forString(last));
    }
    return ip.map(address -> reachable("ip", address)).orElse(remote);
  }

  private static InetAddress reachable(String name, InetAddress address) {
    if (address.isLoopbackAddress()
        || address.isAnyLocalAddress()
        || address.isMulticastAddress()
        || address.isLinkLocalAddress()) {
      throw new InvalidParameterException(
          name,
          name
              + " must be an address other peers can reach, got "
              + InetAddresses.toAddrString(address));
    }
    return address;
  }
}
