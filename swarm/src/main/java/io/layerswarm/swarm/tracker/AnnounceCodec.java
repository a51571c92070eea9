package io.layerswarm.swarm.tracker;

import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.core.bencode.BencodeException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An announce as it travels: the request as a BEP 3 URL, the answer as bencode (BEP 23 compact
 * peers, BEP 7 IPv6 peers). Pure: no I/O. The HTTP client sends what it makes; the simulator hands
 * it to the tracker's own endpoint.
 */
public final class AnnounceCodec {
  /**
   * The longest interval taken from a tracker; a longer one is ignored (the default applies). Past
   * about 292 years the torrent's loop cannot even schedule it, and the announces stopped for good.
   */
  public static final Duration MAX_INTERVAL = Duration.ofDays(1);

  /**
   * The failure reason a LayerSwarm tracker answers while its peer store (Redis) is unavailable; a
   * client treats that tracker as {@linkplain TrackerException#trackerUnusable() unusable}.
   */
  public static final String STORE_UNAVAILABLE = "peer store unavailable, retry";

  private AnnounceCodec() {}

  /**
   * The announce URL: {@code tracker} plus the BEP 3 query. The info hash and peer id are raw
   * bytes, percent-encoded byte by byte.
   */
  public static URI uri(URI tracker, AnnounceRequest r) {
    StringBuilder q = new StringBuilder(tracker.toString());
    q.append(tracker.getRawQuery() == null ? '?' : '&');
    q.append("info_hash=").append(encode(r.infoHash().bytes()));
    q.append("&peer_id=").append(encode(r.peerId().bytes()));
    q.append("&port=").append(r.port());
    q.append("&uploaded=").append(r.uploaded());
    q.append("&downloaded=").append(r.downloaded());
    q.append("&left=").append(r.left());
    q.append("&compact=1");
    q.append("&numwant=").append(r.numWant());
    r.event().value().ifPresent(e -> q.append("&event=").append(e));
    r.ip().ifPresent(ip -> q.append("&ip=").append(encode(ip)));
    r.trackerId().ifPresent(id -> q.append("&trackerid=").append(encode(id)));
    r.extra().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> q.append('&').append(encode(e.getKey())).append('=').append(encode(e.getValue())));
    return URI.create(q.toString());
  }

  private static String encode(String s) {
    return encode(s.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Percent-encodes every byte except RFC 3986 unreserved characters (also the tracker load
   * generator's encoding, so that it sends what our agents send).
   */
  public static String encode(byte[] bytes) {
    StringBuilder sb = new StringBuilder(bytes.length * 3);
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return sb.toString();
  }

  /** Parses a bencoded announce response. */
  public static AnnounceResponse parse(byte[] body) throws TrackerException {
    Object decoded;
    try {
      decoded = Bencode.decode(body);
    } catch (BencodeException e) {
      throw new TrackerException("response is not bencode: " + e.getMessage(), e);
    }
    if (!(decoded instanceof Map<?, ?> dict)) {
      throw new TrackerException("response is not a dictionary");
    }
    if (dict.get("failure reason") instanceof byte[] reason) {
      String text = new String(reason, StandardCharsets.UTF_8);
      if (text.equals(STORE_UNAVAILABLE)) {
        throw TrackerException.unusable("tracker refused: " + text, null);
      }
      throw new TrackerException("tracker refused: " + text);
    }
    Optional<Duration> interval =
        dict.get("interval") instanceof Long i && i > 0 && i <= MAX_INTERVAL.toSeconds()
            ? Optional.of(Duration.ofSeconds(i))
            : Optional.empty();
    Optional<Duration> minInterval =
        dict.get("min interval") instanceof Long m && m > 0 && m <= MAX_INTERVAL.toSeconds()
            ? Optional.of(Duration.ofSeconds(m))
            : Optional.empty();
    List<InetSocketAddress> peers = new ArrayList<>();
    Object p = dict.get("peers");
    if (p instanceof byte[] compact) {
      parseCompact(compact, 4, peers);
    } else if (p instanceof List<?> list) {
      for (Object entry : list) {
        if (entry instanceof Map<?, ?> peer
            && peer.get("ip") instanceof byte[] ip
            && peer.get("port") instanceof Long port
            && port > 0
            && port <= 65535) {
          peers.add(
              InetSocketAddress.createUnresolved(
                  new String(ip, StandardCharsets.UTF_8), port.intValue()));
        }
      }
    } else if (p != null) {
      throw new TrackerException("peers is neither a string nor a list");
    }
    if (dict.get("peers6") instanceof byte[] compact6) {
      parseCompact(compact6, 16, peers);
    }
    Optional<String> trackerId =
        dict.get("tracker id") instanceof byte[] id
            ? Optional.of(new String(id, StandardCharsets.UTF_8))
            : Optional.empty();
    Optional<String> warning =
        dict.get("warning message") instanceof byte[] w
            ? Optional.of(new String(w, StandardCharsets.UTF_8))
            : Optional.empty();
    return new AnnounceResponse(interval, minInterval, peers, trackerId, warning);
  }

  /** BEP 23 (and BEP 7 for IPv6): address bytes then a big-endian port, per peer. */
  private static void parseCompact(byte[] compact, int addressLength, List<InetSocketAddress> peers)
      throws TrackerException {
    int entry = addressLength + 2;
    if (compact.length % entry != 0) {
      throw new TrackerException(
          "compact peers of " + compact.length + " bytes is not a multiple of " + entry);
    }
    for (int off = 0; off < compact.length; off += entry) {
      byte[] address = Arrays.copyOfRange(compact, off, off + addressLength);
      int port =
          ((compact[off + addressLength] & 0xff) << 8) | (compact[off + addressLength + 1] & 0xff);
      if (port == 0) {
        continue;
      }
      try {
        InetAddress ip = InetAddress.getByAddress(address);
        if (ip instanceof Inet4Address || ip instanceof Inet6Address) {
          peers.add(new InetSocketAddress(ip, port));
        }
      } catch (UnknownHostException e) {
        throw new TrackerException("bad compact peer address", e);
      }
    }
  }
}
