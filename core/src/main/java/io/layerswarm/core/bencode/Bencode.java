package io.layerswarm.core.bencode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BitTorrent bencoding (BEP 3).
 *
 * <p>Value model: {@code Long} for integers, {@code byte[]} for strings, {@code
 * java.util.List<Object>} for lists and {@code java.util.Map<String, Object>} for dictionaries
 * (keys decoded as UTF-8, encoded sorted by their raw bytes as BEP 3 requires).
 *
 * <p>Decoding is strict, because the input comes from peers and trackers we do not trust: integers
 * must be canonical (no leading zeros, no {@code -0}, must fit a {@code long}), string lengths must
 * be canonical and fit in the remaining input, dictionary keys must be valid UTF-8 and unique,
 * nesting is limited to {@value #MAX_DEPTH} levels and nothing may follow the value. Every
 * allocation is bounded by the input length, so the memory used is a small multiple of the input.
 * Keys do not have to be sorted on decode (some encoders get it wrong; the info hash is taken over
 * the raw bytes anyway, see {@link #rawValue}).
 *
 * <p>Stateless and thread-safe.
 */
public final class Bencode {
  /** Maximum nesting of lists and dictionaries accepted by the decoder. */
  public static final int MAX_DEPTH = 64;

  private Bencode() {}

  /**
   * Encodes a value of the model above; throws IllegalArgumentException for any other type. As a
   * convenience, {@code Integer}/{@code Short}/{@code Byte} are accepted as integers and {@code
   * String} as a UTF-8 string.
   */
  public static byte[] encode(Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(out, value, 0);
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, Object value, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("bencode value nested deeper than " + MAX_DEPTH);
    }
    if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte) {
      out.write('i');
      writeAscii(out, Long.toString(((Number) value).longValue()));
      out.write('e');
    } else if (value instanceof byte[] bytes) {
      writeString(out, bytes);
    } else if (value instanceof String s) {
      writeString(out, s.getBytes(StandardCharsets.UTF_8));
    } else if (value instanceof List<?> list) {
      out.write('l');
      for (Object element : list) {
        write(out, element, depth + 1);
      }
      out.write('e');
    } else if (value instanceof Map<?, ?> map) {
      List<Map.Entry<byte[], Object>> entries = new ArrayList<>(map.size());
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!(entry.getKey() instanceof String key)) {
          throw new IllegalArgumentException(
              "bencode dictionary keys must be strings: " + entry.getKey());
        }
        entries.add(Map.entry(key.getBytes(StandardCharsets.UTF_8), entry.getValue()));
      }
      // BEP 3: "Keys must be strings and appear in sorted order (sorted as raw strings, not
      // alphanumerics)."
      entries.sort((a, b) -> Arrays.compareUnsigned(a.getKey(), b.getKey()));
      out.write('d');
      for (Map.Entry<byte[], Object> entry : entries) {
        writeString(out, entry.getKey());
        write(out, entry.getValue(), depth + 1);
      }
      out.write('e');
    } else {
      throw new IllegalArgumentException(
          "cannot bencode " + (value == null ? "null" : value.getClass().getName()));
    }
  }

  private static void writeString(ByteArrayOutputStream out, byte[] bytes) {
    writeAscii(out, Integer.toString(bytes.length));
    out.write(':');
    out.write(bytes, 0, bytes.length);
  }

  private static void writeAscii(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    out.write(b, 0, b.length);
  }

  /** Decodes exactly one value spanning all of {@code data}; trailing bytes are an error. */
  public static Object decode(byte[] data) throws BencodeException {
    if (data == null) {
      throw new BencodeException("bencode input is null");
    }
    Decoder decoder = new Decoder(data);
    Object value = decoder.value(0);
    decoder.expectEnd();
    return value;
  }

  /**
   * Returns the raw bytes of the value stored under {@code key} in the top-level dictionary,
   * exactly as they appear in {@code data}. The info hash is the SHA-1 of these bytes for key
   * "info".
   *
   * @throws BencodeException if {@code data} is not one well-formed dictionary or has no such key
   */
  public static byte[] rawValue(byte[] data, String key) throws BencodeException {
    if (data == null) {
      throw new BencodeException("bencode input is null");
    }
    Decoder decoder = new Decoder(data);
    decoder.expect('d', "dictionary");
    byte[] wanted = key.getBytes(StandardCharsets.UTF_8);
    byte[] found = null;
    while (decoder.peek() != 'e') {
      byte[] k = decoder.string();
      int start = decoder.pos;
      decoder.value(1);
      if (Arrays.equals(k, wanted)) {
        if (found != null) {
          throw new BencodeException("duplicate key '" + key + "' at offset " + start);
        }
        found = Arrays.copyOfRange(data, start, decoder.pos);
      }
    }
    decoder.pos++;
    decoder.expectEnd();
    if (found == null) {
      throw new BencodeException("no key '" + key + "' in the top-level dictionary");
    }
    return found;
  }

  /** A cursor over the input. Not thread-safe; one per call. */
  private static final class Decoder {
    private final byte[] data;
    private int pos;

    Decoder(byte[] data) {
      this.data = data;
    }

    int peek() throws BencodeException {
      if (pos >= data.length) {
        throw new BencodeException("unexpected end of input at offset " + pos);
      }
      return data[pos] & 0xff;
    }

    void expect(char c, String what) throws BencodeException {
      if (peek() != c) {
        throw new BencodeException("expected " + what + " ('" + c + "') at offset " + pos);
      }
      pos++;
    }

    void expectEnd() throws BencodeException {
      if (pos != data.length) {
        throw new BencodeException(
            "trailing data at offset " + pos + " (" + (data.length - pos) + " bytes)");
      }
    }

    Object value(int depth) throws BencodeException {
      if (depth > MAX_DEPTH) {
        throw new BencodeException("nesting deeper than " + MAX_DEPTH + " at offset " + pos);
      }
      int c = peek();
      if (c == 'i') {
        pos++;
        return integer('e');
      }
      if (c == 'l') {
        pos++;
        List<Object> list = new ArrayList<>();
        while (peek() != 'e') {
          list.add(value(depth + 1));
        }
        pos++;
        return list;
      }
      if (c == 'd') {
        pos++;
        Map<String, Object> map = new LinkedHashMap<>();
        while (peek() != 'e') {
          int keyOffset = pos;
          String key = utf8(string(), keyOffset);
          Object v = value(depth + 1);
          if (map.putIfAbsent(key, v) != null) {
            throw new BencodeException(
                "duplicate dictionary key '" + key + "' at offset " + keyOffset);
          }
        }
        pos++;
        return map;
      }
      if (c >= '0' && c <= '9') {
        return string();
      }
      throw new BencodeException(
          "unexpected byte 0x" + Integer.toHexString(c) + " at offset " + pos);
    }

    byte[] string() throws BencodeException {
      int start = pos;
      int c = peek();
      if (c < '0' || c > '9') {
        throw new BencodeException("expected a string length at offset " + pos);
      }
      long length = digits(':', false, start);
      if (length > data.length - pos) {
        throw new BencodeException(
            "string length "
                + length
                + " at offset "
                + start
                + " exceeds the remaining "
                + (data.length - pos)
                + " bytes");
      }
      byte[] s = Arrays.copyOfRange(data, pos, pos + (int) length);
      pos += (int) length;
      return s;
    }

    long integer(char terminator) throws BencodeException {
      return digits(terminator, true, pos - 1);
    }

    /** Parses a canonical decimal number up to {@code terminator}, which is consumed. */
    private long digits(char terminator, boolean signed, int start) throws BencodeException {
      boolean negative = false;
      if (signed && peek() == '-') {
        negative = true;
        pos++;
      }
      int first = pos;
      long magnitude = 0;
      while (true) {
        int c = peek();
        if (c == terminator) {
          break;
        }
        if (c < '0' || c > '9') {
          throw new BencodeException("bad digit 0x" + Integer.toHexString(c) + " at offset " + pos);
        }
        int digit = c - '0';
        // Accumulate as a negative number so Long.MIN_VALUE fits.
        if (magnitude < (Long.MIN_VALUE + digit) / 10) {
          throw new BencodeException("number at offset " + start + " does not fit 64 bits");
        }
        magnitude = magnitude * 10 - digit;
        pos++;
      }
      int count = pos - first;
      if (count == 0) {
        throw new BencodeException("empty number at offset " + start);
      }
      if (data[first] == '0' && (count > 1 || negative)) {
        throw new BencodeException("non-canonical number (leading zero or -0) at offset " + start);
      }
      pos++; // terminator
      if (negative) {
        return magnitude;
      }
      if (magnitude == Long.MIN_VALUE) {
        throw new BencodeException("number at offset " + start + " does not fit 64 bits");
      }
      return -magnitude;
    }

    private static String utf8(byte[] bytes, int offset) throws BencodeException {
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes))
            .toString();
      } catch (CharacterCodingException e) {
        throw new BencodeException("dictionary key at offset " + offset + " is not UTF-8");
      }
    }
  }
}
