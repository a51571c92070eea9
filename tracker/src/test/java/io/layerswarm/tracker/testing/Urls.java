package io.layerswarm.tracker.testing;

/** URL-encoding of raw bytes, byte by byte, as BitTorrent clients do for info_hash and peer_id. */
public final class Urls {
  private Urls() {}

  /** Every byte as {@code %XX}. */
  public static String percentEncode(byte[] bytes) {
    StringBuilder out = new StringBuilder(bytes.length * 3);
    for (byte b : bytes) {
      out.append('%').append(String.format("%02X", b & 0xff));
    }
    return out.toString();
  }

  /** Unreserved ASCII bytes as themselves, others as {@code %xx} (lowercase), like libtorrent. */
  public static String clientEncode(byte[] bytes) {
    StringBuilder out = new StringBuilder(bytes.length * 3);
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02x", c));
      }
    }
    return out.toString();
  }
}
