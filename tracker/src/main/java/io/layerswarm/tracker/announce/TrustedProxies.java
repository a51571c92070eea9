package io.layerswarm.tracker.announce;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The addresses whose word on a peer's address the tracker takes ({@code tracker.trusted-proxies}):
 * reverse proxies in front of it. Entries are IP literals or CIDR blocks ({@code 10.0.0.7}, {@code
 * 10.1.0.0/16}, {@code fd00::/8}). Immutable; an IPv4-mapped IPv6 address matches as IPv4.
 */
public final class TrustedProxies {
  public static final TrustedProxies NONE = new TrustedProxies(List.of(), List.of());

  private final List<Block> blocks;
  private final List<String> texts;

  private record Block(byte[] network, int prefix) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  private TrustedProxies(List<Block> blocks, List<String> texts) {
    this.blocks = blocks;
    this.texts = texts;
  }

  /**
   * @throws IllegalArgumentException naming {@code tracker.trusted-proxies} and the bad entry
   */
  public static TrustedProxies of(List<String> entries) {
    List<Block> blocks = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (String entry : entries) {
      String text = entry == null ? "" : entry.trim();
      int slash = text.indexOf('/');
      String ip = slash < 0 ? text : text.substring(0, slash);
      if (!InetAddresses.isInetAddress(ip) || ip.indexOf('%') >= 0) {
        throw new IllegalArgumentException(
            "tracker.trusted-proxies: '" + text + "' is not an IP address or a CIDR block");
      }
      byte[] network = normalise(InetAddresses.forString(ip));
      int prefix = network.length * 8;
      if (slash >= 0) {
        String bits = text.substring(slash + 1);
        if (!bits.matches("[0-9]{1,3}") || Integer.parseInt(bits) > network.length * 8) {
          throw new IllegalArgumentException(
              "tracker.trusted-proxies: '"
                  + text
                  + "' has a bad prefix length (0.."
                  + network.length * 8
                  + ")");
        }
        prefix = Integer.parseInt(bits);
      }
      blocks.add(new Block(network, prefix));
      texts.add(text);
    }
    return new TrustedProxies(List.copyOf(blocks), List.copyOf(texts));
  }

  public boolean contains(InetAddress address) {
    byte[] bytes = normalise(address);
    for (Block block : blocks) {
      if (block.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  public boolean isEmpty() {
    return blocks.isEmpty();
  }

  /** The entries as configured. */
  public List<String> entries() {
    return texts;
  }

  @Override
  public String toString() {
    return texts.toString();
  }

  /** IPv4-mapped IPv6 becomes IPv4, so one host has one form. */
  private static byte[] normalise(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (isIpv4Mapped(bytes)) {
      byte[] v4 = new byte[4];
      System.arraycopy(bytes, 12, v4, 0, 4);
      return v4;
    }
    return bytes;
  }

  private static boolean isIpv4Mapped(byte[] bytes) {
    if (bytes.length != 16 || bytes[10] != (byte) 0xff || bytes[11] != (byte) 0xff) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
