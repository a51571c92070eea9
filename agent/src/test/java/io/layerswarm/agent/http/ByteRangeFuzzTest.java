package io.layerswarm.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.agent.http.ByteRange.Partial;
import io.layerswarm.agent.http.ByteRange.Unsatisfiable;
import io.layerswarm.agent.http.ByteRange.Whole;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Odd and hostile Range headers: each gets a definite answer (whole blob, one range inside the
 * blob, or 416), never an exception.
 */
class ByteRangeFuzzTest {
  private static final String[] PIECES = {
    "bytes",
    "BYTES",
    "items",
    "=",
    "-",
    "--",
    ",",
    " ",
    "\t",
    "0",
    "1",
    "5",
    "2",
    "99",
    "100",
    "101",
    "9223372036854775807",
    "9223372036854775808",
    "99999999999999999999999",
    "-0",
    "+1",
    "0x10",
    "a",
    "b",
    "\u0000",
    "\u00e4",
    ";",
    "*",
    "/",
    "bytes=",
    "=-",
    "1-",
    "-1"
  };

  private static ByteRange.Request parse(String header, long size) {
    return ByteRange.parse(Optional.ofNullable(header), size);
  }

  @ParameterizedTest(name = "[{index}] \"{0}\" of {1} bytes -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "bytes=5-2|100|whole",
        "bytes=-0|100|unsatisfiable",
        "bytes=a-b|100|whole",
        "bytes=0-1,5-6|100|whole",
        "bytes=0-1, 5-6|100|whole",
        "bytes=99999999999999999999-|100|whole",
        "bytes=0-99999999999999999999|100|whole",
        "bytes=9999999999999999999-|100|whole",
        "bytes=9223372036854775807-|100|unsatisfiable",
        "bytes=0-9223372036854775807|100|0-99",
        "bytes=-9223372036854775807|100|0-99",
        "bytes= 1-2|100|whole",
        "BYTES=1-2|100|whole",
        "bytes=--1|100|whole",
        "bytes=1--2|100|whole",
        "bytes=-|100|whole",
        "bytes=|100|whole",
        "=1-2|100|whole",
        "bytes=0-|0|unsatisfiable",
        "bytes=-5|0|unsatisfiable",
        "bytes=0-0|1|0-0",
        "bytes=99-|100|99-99",
        "bytes=100-|100|unsatisfiable",
        "'  bytes=1-2  '|100|1-2",
      })
  void oddHeadersGetADefiniteAnswer(String header, long size, String expected) {
    ByteRange.Request request = parse(header, size);

    switch (expected) {
      case "whole" -> assertThat(request).isEqualTo(new Whole());
      case "unsatisfiable" -> assertThat(request).isEqualTo(new Unsatisfiable());
      default -> {
        String[] bounds = expected.split("-");
        assertThat(request)
            .isEqualTo(
                new Partial(new ByteRange(Long.parseLong(bounds[0]), Long.parseLong(bounds[1]))));
      }
    }
  }

  @RepeatedTest(500)
  void randomHeadersNeverThrowAndRangesStayInsideTheBlob(RepetitionInfo repetition) {
    Random random = new Random(31L * repetition.getCurrentRepetition());
    StringBuilder header = new StringBuilder(random.nextInt(4) == 0 ? "" : "bytes=");
    int pieces = random.nextInt(6);
    for (int i = 0; i < pieces; i++) {
      header.append(PIECES[random.nextInt(PIECES.length)]);
    }
    long[] sizes = {0, 1, 2, 100, 1L << 40, Long.MAX_VALUE, random.nextInt(1000)};
    long size = sizes[random.nextInt(sizes.length)];

    ByteRange.Request request = parse(header.toString(), size);

    assertThat(request).as(header + " of " + size).isNotNull();
    if (request instanceof Partial partial) {
      ByteRange range = partial.range();
      assertThat(range.first()).as(header.toString()).isBetween(0L, size - 1);
      assertThat(range.last()).as(header.toString()).isBetween(range.first(), size - 1);
      assertThat(range.length()).isPositive();
    }
  }
}
