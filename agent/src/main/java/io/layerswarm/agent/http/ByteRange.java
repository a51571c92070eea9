package io.layerswarm.agent.http;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One satisfiable byte range of a blob, inclusive at both ends (RFC 9110 section 14). Parsing is a
 * pure function of the header and the blob size.
 */
record ByteRange(long first, long last) {
  private static final Pattern SINGLE = Pattern.compile("bytes=(\\d{0,19})-(\\d{0,19})");

  ByteRange {
    if (first < 0 || last < first) {
      throw new IllegalArgumentException("bad range " + first + "-" + last);
    }
  }

  long length() {
    return last - first + 1;
  }

  /** The {@code Content-Range} value for a 206 answer. */
  String contentRange(long size) {
    return "bytes " + first + "-" + last + "/" + size;
  }

  /** What a Range header asks of a blob of a given size. */
  sealed interface Request permits Whole, Partial, Unsatisfiable {}

  /** No Range header, or one we ignore: send the whole blob with 200. */
  record Whole() implements Request {}

  /** Send these bytes with 206. */
  record Partial(ByteRange range) implements Request {}

  /** Answer 416 with {@code Content-Range: bytes *}{@code /size}. */
  record Unsatisfiable() implements Request {}

  /**
   * Interprets a {@code Range} header for a blob of {@code size} bytes. Supports one range of the
   * forms {@code bytes=a-b}, {@code bytes=a-} and {@code bytes=-n}; a malformed header or several
   * ranges are ignored (RFC 9110 lets a server ignore Range), so the whole blob is sent.
   */
  static Request parse(Optional<String> header, long size) {
    if (header.isEmpty()) {
      return new Whole();
    }
    Matcher m = SINGLE.matcher(header.get().trim());
    if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      return new Whole();
    }
    try {
      if (m.group(1).isEmpty()) {
        long suffix = Long.parseLong(m.group(2));
        if (suffix == 0 || size == 0) {
          return new Unsatisfiable();
        }
        return new Partial(new ByteRange(Math.max(0, size - suffix), size - 1));
      }
      long first = Long.parseLong(m.group(1));
      long last = m.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(m.group(2));
      if (last < first) {
        return new Whole(); // syntactically invalid (RFC 9110 14.1.1): ignore the header
      }
      if (first >= size) {
        return new Unsatisfiable();
      }
      return new Partial(new ByteRange(first, Math.min(last, size - 1)));
    } catch (NumberFormatException e) {
      return new Whole(); // beyond a long: not a range we can honour
    }
  }
}
