package io.layerswarm.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.agent.http.ByteRange.Partial;
import io.layerswarm.agent.http.ByteRange.Unsatisfiable;
import io.layerswarm.agent.http.ByteRange.Whole;
import io.layerswarm.testing.fuzz.FuzzTarget;
import io.layerswarm.testing.fuzz.Mutations;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
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

  /**
   * Fuzz target: headers made from valid ranges of every form changed by edits (the pieces above
   * are the dictionary), against blobs from empty to the largest size.
   */
  @FuzzTarget
  void anyHeaderGetsADefiniteAnswerAndRangesStayInsideTheBlob(
      @ForAll("headers") String header, @ForAll("sizes") long size) {
    ByteRange.Request request = parse(header, size);

    assertThat(request).as(header + " of " + size).isNotNull();
    if (request instanceof Partial partial) {
      ByteRange range = partial.range();
      assertThat(range.first()).as(header).isBetween(0L, size - 1);
      assertThat(range.last()).as(header).isBetween(range.first(), size - 1);
      assertThat(range.length()).isPositive();
    } else if (request instanceof Unsatisfiable) {
      assertThat(header.trim()).as(header).startsWith("bytes=");
    }
  }

  @Provide
  Arbitrary<String> headers() {
    return Mutations.text(
        List.of(
            "bytes=0-0",
            "bytes=0-",
            "bytes=-1",
            "bytes=5-10",
            "bytes=100-",
            "bytes=-0",
            "bytes=0-9223372036854775807",
            " bytes=1-2 ",
            "bytes=1-2,3-4",
            ""),
        List.of(PIECES));
  }

  @Provide
  Arbitrary<Long> sizes() {
    return Arbitraries.oneOf(
        Arbitraries.of(0L, 1L, 2L, 100L, 1L << 40, Long.MAX_VALUE),
        Arbitraries.longs().between(0, Long.MAX_VALUE));
  }
}
