package io.layerswarm.core.auth;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signs and checks HTTP requests between cluster members: agents and seeders to the tracker ({@code
 * /announce}, {@code /scrape}, {@code /metainfo}), the tracker and seeders to seeders ({@code
 * /metainfo}).
 *
 * <p>The request carries {@value #HEADER}{@code : t=<unix seconds>,v1=<64 hex digits>}, where the
 * hex is the {@link KeyPurpose#HTTP} key's {@linkplain ClusterKey#mac MAC} over {@code "v1"}, the
 * method, the request target exactly as sent (path and raw query, {@link #target(URI)}) and the
 * decimal time. The secret never crosses the wire, so a torrent or a logged URL gives nothing away.
 * A signature is good for {@link #MAX_SKEW} either side of the server's clock: members need roughly
 * synchronised clocks (NTP), and a captured request can be replayed only within that window, to the
 * same path with the same parameters.
 *
 * <p>Immutable and thread-safe. Time is always passed in.
 */
public final class HttpSignature {
  /** The request header. */
  public static final String HEADER = "Layerswarm-Signature";

  /** How far a signature's time may be from the server's clock, either way. */
  public static final Duration MAX_SKEW = Duration.ofMinutes(5);

  private static final String VERSION = "v1";
  private static final Pattern FORMAT = Pattern.compile("t=([0-9]{1,12}),v1=([0-9a-f]{64})");
  private static final HexFormat HEX = HexFormat.of();

  /** The outcome of {@link #verify}: valid, or why not, as a sentence for the client. */
  public record Check(boolean valid, String reason) {
    public static final Check VALID = new Check(true, "");

    static Check refused(String reason) {
      return new Check(false, reason);
    }
  }

  private final ClusterKey key;

  private HttpSignature(ClusterKey key) {
    this.key = key;
  }

  public static HttpSignature of(ClusterSecret secret) {
    return new HttpSignature(secret.key(KeyPurpose.HTTP));
  }

  /**
   * The request target to sign for {@code uri}: its raw path ({@code /} if empty), then {@code ?}
   * and the raw query if it has one. This is what an HTTP/1.1 client sends in the request line.
   */
  public static String target(URI uri) {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
  }

  /** The {@value #HEADER} value for a request sent at {@code now}. */
  public String sign(String method, String target, Instant now) {
    long seconds = now.getEpochSecond();
    return "t=" + seconds + ",v1=" + HEX.formatHex(mac(method, target, seconds));
  }

  /**
   * Checks a request's {@value #HEADER}.
   *
   * @param target the request target as received (the request line's second word)
   * @param header the header's value, or null when the request has none
   */
  public Check verify(String method, String target, String header, Instant now) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(target, "target");
    if (header == null || header.isEmpty()) {
      return Check.refused(
          "this endpoint takes only requests signed with the cluster secret (a "
              + HEADER
              + " header): give the client the same cluster.secret-file as this server");
    }
    Matcher matcher = header.length() > 100 ? null : FORMAT.matcher(header);
    if (matcher == null || !matcher.matches()) {
      return Check.refused(
          "malformed " + HEADER + " header: expected t=<unix seconds>,v1=<64 hex digits>");
    }
    long seconds = Long.parseLong(matcher.group(1));
    long skew = Math.abs(seconds - now.getEpochSecond());
    if (skew > MAX_SKEW.toSeconds()) {
      return Check.refused(
          "the signature's time is "
              + skew
              + " s away from this server's clock (at most "
              + MAX_SKEW.toSeconds()
              + " s): synchronise the members' clocks");
    }
    if (!key.verify(HEX.parseHex(matcher.group(2)), parts(method, target, seconds))) {
      return Check.refused(
          "bad signature: the client's cluster.secret-file differs from this server's, or the"
              + " request was changed on the way");
    }
    return Check.VALID;
  }

  private byte[] mac(String method, String target, long seconds) {
    return key.mac(parts(method, target, seconds));
  }

  private static byte[][] parts(String method, String target, long seconds) {
    return new byte[][] {
      VERSION.getBytes(StandardCharsets.US_ASCII),
      method.getBytes(StandardCharsets.US_ASCII),
      target.getBytes(StandardCharsets.ISO_8859_1),
      Long.toString(seconds).getBytes(StandardCharsets.US_ASCII)
    };
  }

  @Override
  public String toString() {
    return "HttpSignature[redacted]";
  }
}
