package io.layerswarm.tracker.peerstore;

import com.google.common.net.InetAddresses;
import io.layerswarm.core.metainfo.PeerId;
import java.util.HexFormat;
import java.util.Optional;

/**
 * How {@link RedisPeerStore} writes one peer: the peer id as 40 lowercase hex digits (the field and
 * member name), and the rest as {@code <ip>|<port>|<S or L>|<zone>|<rack>}, with an empty zone or
 * rack when unknown. {@code '|'} occurs in no IP literal and no topology label. The first two
 * fields, {@code <ip>|<port>}, are the peer's address key; the Lua scripts read them.
 */
final class PeerRecord {
  private static final HexFormat HEX = HexFormat.of();

  private PeerRecord() {}

  static String id(PeerId id) {
    return HEX.formatHex(id.bytes());
  }

  /** {@code <ip>|<port>}, e.g. {@code 10.0.0.1|6881} or {@code 2001:db8::1|6881}. */
  static String address(PeerAddress address) {
    return address.ipText() + "|" + address.port();
  }

  static String encode(Peer peer) {
    return address(peer.address())
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
  static Peer decode(String id, String record) {
    String[] parts = record.split("\\|", -1);
    if (parts.length != 5
        || !InetAddresses.isInetAddress(parts[0])
        || !(parts[2].equals("S") || parts[2].equals("L"))) {
      throw new IllegalArgumentException("malformed peer record '" + record + "'");
    }
    int port;
    try {
      port = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("malformed port in peer record '" + record + "'", e);
    }
    return new Peer(
        new PeerId(HEX.parseHex(id)),
        new PeerAddress(InetAddresses.forString(parts[0]), port),
        parts[2].equals("S"),
        new Topology(label(parts[3]), label(parts[4])));
  }

  private static Optional<String> label(String text) {
    return text.isEmpty() ? Optional.empty() : Optional.of(text);
  }
}
