package io.layerswarm.tracker.announce;

import com.google.common.net.InetAddresses;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.tracker.peerstore.AnnounceEvent;
import io.layerswarm.tracker.peerstore.PeerAddress;
import io.layerswarm.tracker.peerstore.Topology;
import java.net.InetAddress;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A valid announce (BEP 3), plus our optional {@code zone} and {@code rack}.
 *
 * @param uploaded bytes, as reported by the client (not used for decisions)
 * @param downloaded bytes, as reported by the client (not used for decisions)
 * @param left bytes the client still needs; 0 makes it a seed
 * @param compact true unless {@code compact=0} (BEP 23 is the default)
 * @param numwant the client's wish, before the tracker's clamp; empty when absent
 * @param ip the {@code ip} parameter, a literal unicast address; empty when absent. Taken only from
 *     a trusted proxy (see {@link PeerSource})
 */
public record AnnounceRequest(
    InfoHash infoHash,
    PeerId peerId,
    int port,
    long uploaded,
    long downloaded,
    long left,
    boolean compact,
    boolean noPeerId,
    AnnounceEvent event,
    OptionalInt numwant,
    Optional<InetAddress> ip,
    Topology topology) {

  /**
   * Parses the query part of an announce's request target (without the {@code ?}). Unknown
   * parameters ({@code key}, {@code trackerid}, {@code supportcrypto}, ...) are ignored; every
   * known one is checked, and the first problem found is reported by parameter name.
   */
  public static Parsed<AnnounceRequest> parse(String rawQuery) {
    try {
      QueryParameters query = QueryParameters.parse(rawQuery);
      return Parsed.valid(
          new AnnounceRequest(
              new InfoHash(twenty(query, "info_hash")),
              new PeerId(twenty(query, "peer_id")),
              port(query),
              nonNegative(query, "uploaded"),
              nonNegative(query, "downloaded"),
              nonNegative(query, "left"),
              flag(query, "compact", true),
              flag(query, "no_peer_id", false),
              event(query),
              numwant(query),
              ip(query),
              topology(query)));
    } catch (InvalidParameterException e) {
      return e.toParsed();
    }
  }

  /** Whether the client is a seed. */
  public boolean complete() {
    return left == 0;
  }

  /**
   * The address to hand out: the connection's source, or what a trusted proxy says (see {@link
   * PeerSource}).
   *
   * @param remote the connection's source address
   * @param forwardedFor the request's {@code X-Forwarded-For}, or empty
   * @throws IllegalArgumentException when a trusted proxy's word is not a usable address
   */
  public PeerAddress address(
      InetAddress remote, Optional<String> forwardedFor, TrustedProxies proxies) {
    try {
      return new PeerAddress(PeerSource.ip(remote, forwardedFor, ip, proxies), port);
    } catch (InvalidParameterException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** How many peers to return: the default when absent, never more than {@code max}. */
  public int effectiveNumwant(int defaultNumwant, int max) {
    return Math.min(numwant.orElse(defaultNumwant), max);
  }

  private static byte[] twenty(QueryParameters query, String name) {
    byte[] bytes = query.required(name);
    if (bytes.length != 20) {
      throw new InvalidParameterException(
          name, name + " must be 20 bytes (URL-encoded), got " + bytes.length);
    }
    return bytes;
  }

  private static int port(QueryParameters query) {
    long port =
        number(query, "port")
            .orElseThrow(() -> new InvalidParameterException("port", "missing parameter port"));
    if (port < 1 || port > 65_535) {
      throw new InvalidParameterException("port", "port must be 1..65535, got " + port);
    }
    return (int) port;
  }

  private static long nonNegative(QueryParameters query, String name) {
    return number(query, name)
        .orElseThrow(() -> new InvalidParameterException(name, "missing parameter " + name));
  }

  /** A non-negative decimal that fits a long, or empty when the parameter is absent. */
  private static Optional<Long> number(QueryParameters query, String name) {
    Optional<String> text = query.text(name);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    String s = text.get();
    if (s.isEmpty() || s.length() > 19 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new InvalidParameterException(
          name, name + " must be a non-negative integer, got '" + printable(s) + "'");
    }
    try {
      return Optional.of(Long.parseLong(s));
    } catch (NumberFormatException e) {
      // 19 digits above 9223372036854775807.
      throw new InvalidParameterException(
          name, name + " must be at most " + Long.MAX_VALUE + ", got '" + printable(s) + "'");
    }
  }

  private static boolean flag(QueryParameters query, String name, boolean absent) {
    Optional<String> text = query.text(name);
    if (text.isEmpty()) {
      return absent;
    }
    return switch (text.get()) {
      case "1" -> true;
      case "0" -> false;
      default ->
          throw new InvalidParameterException(
              name, name + " must be 0 or 1, got '" + printable(text.get()) + "'");
    };
  }

  private static AnnounceEvent event(QueryParameters query) {
    String event = query.text("event").orElse("");
    return switch (event) {
      case "started" -> AnnounceEvent.STARTED;
      case "completed" -> AnnounceEvent.COMPLETED;
      case "stopped" -> AnnounceEvent.STOPPED;
      // "empty" is spelled out by some clients; "paused" is BEP 21's, a regular announce here.
      case "", "empty", "paused" -> AnnounceEvent.NONE;
      default ->
          throw new InvalidParameterException(
              "event",
              "event must be started, completed, stopped or empty, got '" + printable(event) + "'");
    };
  }

  private static OptionalInt numwant(QueryParameters query) {
    Optional<Long> numwant = number(query, "numwant");
    // Anything above an int is clamped later anyway.
    return numwant
        .map(n -> OptionalInt.of((int) Math.min(n, Integer.MAX_VALUE)))
        .orElse(OptionalInt.empty());
  }

  private static Optional<InetAddress> ip(QueryParameters query) {
    Optional<String> text = query.text("ip");
    if (text.isEmpty()) {
      return Optional.empty();
    }
    String s = text.get();
    // Only literals: a host name would need a DNS lookup, which the tracker never does for a
    // client. Scoped IPv6 addresses (fe80::1%eth0) mean nothing to other hosts.
    if (s.indexOf('%') >= 0 || !InetAddresses.isInetAddress(s)) {
      throw new InvalidParameterException(
          "ip", "ip must be a literal IPv4 or IPv6 address, got '" + printable(s) + "'");
    }
    InetAddress address = InetAddresses.forString(s);
    if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
      throw new InvalidParameterException(
          "ip", "ip must be a unicast address, got '" + printable(s) + "'");
    }
    return Optional.of(address);
  }

  private static Topology topology(QueryParameters query) {
    Optional<String> zone = query.text("zone");
    Optional<String> rack = query.text("rack");
    label("zone", zone);
    label("rack", rack);
    return new Topology(zone, rack);
  }

  private static void label(String name, Optional<String> value) {
    try {
      new Topology(value, Optional.empty());
    } catch (IllegalArgumentException e) {
      throw new InvalidParameterException(
          name,
          name
              + " must be 1..64 characters of A-Z a-z 0-9 . _ -, got '"
              + printable(value.get())
              + "'");
    }
  }

  /** Echoes client input in a failure reason safely: ASCII only, at most 64 characters. */
  static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length() && i < 64; i++) {
      char c = s.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return s.length() > 64 ? out + "..." : out.toString();
  }
}
