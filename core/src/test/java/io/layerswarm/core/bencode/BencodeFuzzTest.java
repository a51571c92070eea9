package io.layerswarm.core.bencode;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testing.fuzz.FuzzTarget;
import io.layerswarm.testing.fuzz.Mutations;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Fuzz target: the bencode decoder (peers' metadata, trackers' replies, .torrent files). Inputs are
 * valid bencode (generated values, nesting at the depth limit, a torrent) changed by a few edits.
 * The decoder either returns a value or throws {@link BencodeException}; what it returns encodes
 * canonically and decodes to the same value.
 */
class BencodeFuzzTest {

  /** Tokens of the grammar and its boundaries: what a mutation fuzzer's dictionary would hold. */
  static final List<String> TOKENS =
      List.of(
          "i",
          "e",
          "l",
          "d",
          ":",
          "-",
          "0:",
          "1:",
          "i0e",
          "i-0e",
          "i00e",
          "i-e",
          "ie",
          "9223372036854775807",
          "9223372036854775808",
          "-9223372036854775808",
          "-9223372036854775809",
          "99999999999999999999",
          "2147483648:",
          "4:info",
          "6:pieces",
          "12:piece length",
          "6:length",
          "4:name",
          "7:private",
          "8:announce",
          "13:announce-list",
          "5:files",
          "2:\u00ff\u00fe",
          "l".repeat(Bencode.MAX_DEPTH));

  @FuzzTarget
  void anyInputDecodesToACanonicalValueOrFailsWithABencodeException(
      @ForAll("inputs") byte[] input) {
    Object value;
    try {
      value = Bencode.decode(input);
    } catch (BencodeException e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    byte[] canonical = Bencode.encode(value);
    try {
      assertThat(Bencode.encode(Bencode.decode(canonical))).isEqualTo(canonical);
    } catch (BencodeException e) {
      throw new AssertionError("the canonical form of a decoded value does not decode", e);
    }
  }

  @FuzzTarget
  void aTopLevelValueIsFoundAsTheBytesItDecodesFromOrABencodeException(
      @ForAll("inputs") byte[] input) throws BencodeException {
    byte[] raw;
    try {
      raw = Bencode.rawValue(input, "info");
    } catch (BencodeException e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    Object whole;
    try {
      whole = Bencode.decode(input);
    } catch (BencodeException e) {
      return; // rawValue checks the structure, not every key's UTF-8: decode may refuse more
    }
    Object info = ((java.util.Map<?, ?>) whole).get("info");
    assertThat(Bencode.encode(Bencode.decode(raw))).isEqualTo(Bencode.encode(info));
  }

  @Provide
  Arbitrary<byte[]> inputs() {
    return Mutations.bytes(seeds(), tokens());
  }

  /** The tokens as bytes, one per character (so "\u00ff" is the byte 0xff, not UTF-8). */
  static List<byte[]> tokens() {
    return TOKENS.stream().map(BencodeFuzzTest::ascii).toList();
  }

  /** Valid bencode: generated values, lists nested at and beyond the limit, a torrent's shape. */
  static Arbitrary<byte[]> seeds() {
    Arbitrary<byte[]> generated = values(4).map(Bencode::encode);
    Arbitrary<byte[]> deep =
        Arbitraries.integers()
            .between(Bencode.MAX_DEPTH - 1, Bencode.MAX_DEPTH + 2)
            .map(n -> ascii("l".repeat(n) + "i1e" + "e".repeat(n)));
    Arbitrary<byte[]> torrentShaped =
        Arbitraries.just(
            ascii(
                "d8:announce16:http://t/announce4:infod6:lengthi5e4:name3:abc"
                    + "12:piece lengthi16384e6:pieces20:aaaaaaaaaaaaaaaaaaaa7:privatei1eee"));
    return Arbitraries.frequencyOf(
        Tuple.of(6, generated), Tuple.of(1, deep), Tuple.of(3, torrentShaped));
  }

  private static Arbitrary<Object> values(int depth) {
    Arbitrary<Object> integer = Arbitraries.longs().map(l -> (Object) l);
    Arbitrary<Object> string =
        Arbitraries.bytes().array(byte[].class).ofMaxSize(24).map(b -> (Object) b);
    if (depth == 0) {
      return Arbitraries.oneOf(integer, string);
    }
    Arbitrary<Object> list = values(depth - 1).list().ofMaxSize(4).map(l -> (Object) l);
    Arbitrary<Object> dict =
        Arbitraries.maps(
                Arbitraries.strings().alpha().numeric().withChars(" _-").ofMaxLength(12),
                values(depth - 1))
            .ofMaxSize(4)
            .map(m -> (Object) m);
    return Arbitraries.frequencyOf(
        Tuple.of(2, integer), Tuple.of(2, string), Tuple.of(1, list), Tuple.of(1, dict));
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
