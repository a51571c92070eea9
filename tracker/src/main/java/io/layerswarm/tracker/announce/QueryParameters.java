package io.layerswarm.tracker.announce;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of a raw query string with every value percent-decoded to raw bytes.
 *
 * <p>BEP 3's {@code info_hash} and {@code peer_id} are 20 arbitrary bytes, URL-encoded byte by
 * byte, so {@code %XX} is decoded to the byte 0xXX and never through UTF-8. A character that is not
 * escaped stands for its own code point, which must be below 256 (the HTTP decoder hands over the
 * request line's bytes as ISO-8859-1 characters). {@code +} is a space, as in form encoding.
 */
final class QueryParameters {
  private final Map<String, List<byte[]>> values;

  private QueryParameters(Map<String, List<byte[]>> values) {
    this.values = values;
  }

  /**
   * Parses {@code a=1&b=%FF}; the empty string gives no parameters. Throws {@link
   * InvalidParameterException} for a malformed escape.
   */
  static QueryParameters parse(String rawQuery) {
    Map<String, List<byte[]>> values = new HashMap<>();
    int start = 0;
    int length = rawQuery.length();
    while (start <= length) {
      int end = rawQuery.indexOf('&', start);
      if (end < 0) {
        end = length;
      }
      if (end > start) {
        int equals = rawQuery.indexOf('=', start);
        int nameEnd = equals < 0 || equals > end ? end : equals;
        String name =
            new String(decode(rawQuery, start, nameEnd, "query"), StandardCharsets.ISO_8859_1);
        byte[] value = nameEnd == end ? new byte[0] : decode(rawQuery, nameEnd + 1, end, name);
        values.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
      }
      start = end + 1;
    }
    return new QueryParameters(values);
  }

  /** The only value of {@code name}; throws if it occurs more than once. */
  Optional<byte[]> single(String name) {
    List<byte[]> list = values.get(name);
    if (list == null) {
      return Optional.empty();
    }
    if (list.size() > 1) {
      throw new InvalidParameterException(name, name + " is given " + list.size() + " times");
    }
    return Optional.of(list.get(0));
  }

  /** The only value of {@code name}; throws if it is missing or repeated. */
  byte[] required(String name) {
    return single(name)
        .orElseThrow(() -> new InvalidParameterException(name, "missing parameter " + name));
  }

  /** The value of {@code name} as ASCII text, or empty. */
  Optional<String> text(String name) {
    return single(name).map(bytes -> new String(bytes, StandardCharsets.ISO_8859_1));
  }

  /** Every value of {@code name}, in query order. */
  List<byte[]> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  private static byte[] decode(String s, int from, int to, String parameter) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '%') {
        int high = i + 1 < to ? Character.digit(s.charAt(i + 1), 16) : -1;
        int low = i + 2 < to ? Character.digit(s.charAt(i + 2), 16) : -1;
        if (high < 0 || low < 0) {
          throw new InvalidParameterException(
              parameter, parameter + " has a malformed %-escape at character " + (i - from));
        }
        out.write(high << 4 | low);
        i += 2;
      } else if (c == '+') {
        out.write(' ');
      } else if (c > 0xff) {
        throw new InvalidParameterException(
            parameter, parameter + " has an unescaped non-ASCII character");
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }
}
