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
    int bar = address.lastIndexOf('|');
    String[] parts = record.split("\\|", -1);
    if (bar < 0
        || !InetAddresses.isInetAddress(address.substring(0, bar))
        || parts.length != 4
        || !parts[0].matches("[0-9a-f]{40}")
        || !(parts[1].equals("S") || parts[1].equals("L"))) {
      throw new IllegalArgumentException(
          "malformed peer record '" + record + "' at '" + address + "'");
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(bar + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("malformed port in peer address '" + address + "'", e);
    }
    return new Peer(
        new PeerId(HEX.parseHex(parts[0])),
        new PeerAddress(InetAddresses.forString(address.substring(0, bar)), port),
        parts[1].equals("S"),
        new Topology(label(parts[2]), label(parts[3])));
  }

  private static Optional<String> label(String text) {
    return text.isEmpty() ? Optional.empty() : Optional.of(text);
  }
}
