package io.layerswarm.core.bencode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BencodeTest {

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void integersStringsListsAndDictionariesRoundTrip() throws Exception {
    Map<String, Object> dict = new LinkedHashMap<>();
    dict.put("zeta", List.of(1L, -7L, Long.MAX_VALUE, Long.MIN_VALUE, ascii("")));
    dict.put("alpha", ascii("spam"));
    dict.put("nested", Map.of("k", List.of(List.of())));

    byte[] encoded = Bencode.encode(dict);
    Object decoded = Bencode.decode(encoded);

    assertThat(Bencode.encode(decoded)).isEqualTo(encoded);
    assertThat(new String(encoded, StandardCharsets.ISO_8859_1))
        .startsWith("d5:alpha4:spam6:nested");
  }

  @Test
  void dictionaryKeysAreEncodedInRawByteOrder() {
    Map<String, Object> dict = new LinkedHashMap<>();
    dict.put("b", 1L);
    dict.put("a", 2L);
    dict.put("B", 3L);
    assertThat(new String(Bencode.encode(dict), StandardCharsets.US_ASCII))
        .isEqualTo("d1:Bi3e1:ai2e1:bi1ee");
  }

  @Test
  void decodingAcceptsUnsortedDictionaryKeys() throws Exception {
    assertThat(Bencode.decode(ascii("d1:bi1e1:ai2ee"))).isEqualTo(Map.of("a", 2L, "b", 1L));
  }

  @Test
  void encodingRejectsUnsupportedTypes() {
    assertThatThrownBy(() -> Bencode.encode(1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Bencode.encode(Map.of(1, 2L)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Bencode.encode(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "i",
        "ie",
        "i-e",
        "i-0e",
        "i03e",
        "i00e",
        "i1",
        "i1x",
        "i9223372036854775808e",
        "i-9223372036854775809e",
        "i99999999999999999999e",
        "4:abc",
        "04:abcd",
        "-1:a",
        "3x:abc",
        "l",
        "li1e",
        "d",
        "d1:a",
        "d1:ai1e",
        "di1ei2ee",
        "d1:ai1e1:ai2ee",
        "x",
        "i1ei2e",
        "0:0:",
        "le ",
        "de\n",
        "4294967297:a",
        "2147483648:a"
      })
  void malformedInputIsRejected(String input) {
    assertThatThrownBy(() -> Bencode.decode(ascii(input))).isInstanceOf(BencodeException.class);
  }

  @Test
  void dictionaryKeysThatAreNotUtf8AreRejected() {
    byte[] input = {'d', '1', ':', (byte) 0xff, 'i', '1', 'e', 'e'};
    assertThatThrownBy(() -> Bencode.decode(input)).isInstanceOf(BencodeException.class);
  }

  @Test
  void nestingDeeperThanTheLimitIsRejectedWithoutExhaustingTheStack() {
    byte[] deep = ascii("l".repeat(100_000) + "e".repeat(100_000));
    assertThatThrownBy(() -> Bencode.decode(deep))
        .isInstanceOf(BencodeException.class)
        .hasMessageContaining("nesting");
  }

  @Test
  void nestingAtTheLimitIsAccepted() throws Exception {
    int depth = Bencode.MAX_DEPTH + 1;
    assertThat(Bencode.decode(ascii("l".repeat(depth) + "e".repeat(depth))))
        .isInstanceOf(List.class);
  }

  @Test
  void extremeIntegersDecode() throws Exception {
    assertThat(Bencode.decode(ascii("i0e"))).isEqualTo(0L);
    assertThat(Bencode.decode(ascii("i-9223372036854775808e"))).isEqualTo(Long.MIN_VALUE);
    assertThat(Bencode.decode(ascii("i9223372036854775807e"))).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void rawValueReturnsTheExactBytesOfAnUnsortedInfoDictionary() throws Exception {
    byte[] torrent = ascii("d8:announce3:url4:infod1:zi1e1:ai2ee3:zzz0:e");
    assertThat(new String(Bencode.rawValue(torrent, "info"), StandardCharsets.US_ASCII))
        .isEqualTo("d1:zi1e1:ai2ee");
  }

  @Test
  void rawValueRejectsMissingKeysTrailingGarbageAndNonDictionaries() {
    assertThatThrownBy(() -> Bencode.rawValue(ascii("d1:ai1ee"), "info"))
        .isInstanceOf(BencodeException.class);
    assertThatThrownBy(() -> Bencode.rawValue(ascii("d4:infodee1"), "info"))
        .isInstanceOf(BencodeException.class);
    assertThatThrownBy(() -> Bencode.rawValue(ascii("l4:infodee"), "info"))
        .isInstanceOf(BencodeException.class);
  }
}
