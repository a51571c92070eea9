package io.layerswarm.tracker.peerstore;

import com.google.common.net.InetAddresses;
import io.layerswarm.core.metainfo.PeerId;
import java.util.HexFormat;
import java.util.Optional;

/**
 * How {@link RedisPeerStore} writes one peer: keyed by its address {@code <ip>|<port>} (the field
 * and member name), with the rest as {@code <peer id hex>|<S or L>|<zone>|<rack>}, an empty zone or
 * rack when unknown. {@code '|'} occurs in no IP literal, no hex and no topology label; the Lua
 * scripts read the address's parts and the record's first field.
 */
final class PeerRecord {
  private static final HexFormat HEX = HexFormat.of();

  private PeerRecord() {}

  /** {@code <ip>|<port>}, e.g. {@code 10.0.0.1|6881} or {@code 2001:db8::1|6881}. */
  static String address(PeerAddress address) {
    return address.ipText() + "|" + address.port();
  }

  static String encode(Peer peer) {
    return HEX.formatHex(peer.id().bytes())
        + "|"
        + (peer.complete() ? "S" : "L")
        + "|"
        + peer.topology().zone().orElse("")
        + "|"
        + peer.topology().rack().orElse("");
  }

  /**
   * @throws IllegalArgumentException if either part is not in this format
   */
  static Peer decode(String address, String record) {
    // Up to 500 records per announce come through here: no regex, each part parsed once.
    int bar = address.lastIndexOf('|');
    int b1 = record.indexOf('|');
    int b2 = b1 < 0 ? -1 : record.indexOf('|', b1 + 1);
    int b3 = b2 < 0 ? -1 : record.indexOf('|', b2 + 1);
    if (bar < 0
        || b1 != 40
        || b2 != 42
        || b3 < 0
        || record.indexOf('|', b3 + 1) >= 0
        || !lowerHex(record, 40)
        || !(record.charAt(41) == 'S' || record.charAt(41) == 'L')) {
      throw malformed(address, record);
    }
    java.net.InetAddress ip;
    try {
      ip = InetAddresses.forString(address.substring(0, bar));
    } catch (IllegalArgumentException e) {
      throw malformed(address, record);
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(bar + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("malformed port in peer address '" + address + "'", e);
    }
    return new Peer(
        new PeerId(HEX.parseHex(record, 0, 40)),
        new PeerAddress(ip, port),
        record.charAt(41) == 'S',
        new Topology(label(record.substring(b2 + 1, b3)), label(record.substring(b3 + 1))));
  }

  private static IllegalArgumentException malformed(String address, String record) {
    return new IllegalArgumentException(
        "malformed peer record '" + record + "' at '" + address + "'");
  }

  private static boolean lowerHex(String s, int length) {
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static Optional<String> label(String text) {
    return text.isEmpty() ? Optional.empty() : Optional.of(text);
  }
}
