package io.layerswarm.tracker.peerstore;

import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * Where a peer accepts BitTorrent connections: a literal IP address and a TCP port (1..65535).
 * IPv4-mapped IPv6 addresses are normalised to IPv4, so one host has one address.
 */
public record PeerAddress(InetAddress ip, int port) {
  /** Bytes of one IPv4 peer in a compact peer list (BEP 23). */
  public static final int COMPACT_IPV4_LENGTH = 6;

  /** Bytes of one IPv6 peer in a compact {@code peers6} list (BEP 7). */
  public static final int COMPACT_IPV6_LENGTH = 18;

  public PeerAddress {
    if (ip == null) {
      throw new IllegalArgumentException("peer ip is missing");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("peer port must be 1..65535, got " + port);
    }
    ip = normalise(ip);
  }

  public boolean isIpv4() {
    return ip instanceof Inet4Address;
  }

  /** The compact form: the address bytes then the port, big-endian (BEP 23, BEP 7). */
  public byte[] compact() {
    byte[] address = ip.getAddress();
    return ByteBuffer.allocate(address.length + 2).put(address).putShort((short) port).array();
  }

  /** The address as text, without a DNS lookup ({@code 10.0.0.1}, {@code 2001:db8::1}). */
  public String ipText() {
    return InetAddresses.toAddrString(ip);
  }

  @Override
  public String toString() {
    return isIpv4() ? ipText() + ":" + port : "[" + ipText() + "]:" + port;
  }

  private static InetAddress normalise(InetAddress ip) {
    try {
      // getByAddress turns an IPv4-mapped IPv6 address into an Inet4Address, and drops any
      // host name so that equality is by address only.
      return InetAddress.getByAddress(ip.getAddress());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("peer ip has an illegal length", e);
    }
  }
}
