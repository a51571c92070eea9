package io.layerswarm.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.agent.http.ByteRange.Partial;
import io.layerswarm.agent.http.ByteRange.Unsatisfiable;
import io.layerswarm.agent.http.ByteRange.Whole;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ByteRangeTest {
  private static ByteRange.Request parse(String header, long size) {
    return ByteRange.parse(Optional.ofNullable(header), size);
  }

  @Test
  void noHeaderMeansTheWholeBlob() {
    assertThat(parse(null, 100)).isEqualTo(new Whole());
  }

  @Test
  void aClosedRangeIsServedInclusive() {
    assertThat(parse("bytes=10-19", 100)).isEqualTo(new Partial(new ByteRange(10, 19)));
    assertThat(new ByteRange(10, 19).length()).isEqualTo(10);
    assertThat(new ByteRange(10, 19).contentRange(100)).isEqualTo("bytes 10-19/100");
  }

  @Test
  void anOpenRangeRunsToTheEnd() {
    assertThat(parse("bytes=90-", 100)).isEqualTo(new Partial(new ByteRange(90, 99)));
  }

  @Test
  void aSuffixRangeTakesTheLastBytes() {
    assertThat(parse("bytes=-10", 100)).isEqualTo(new Partial(new ByteRange(90, 99)));
  }

  @Test
  void aSuffixLongerThanTheBlobTakesTheWholeBlob() {
    assertThat(parse("bytes=-500", 100)).isEqualTo(new Partial(new ByteRange(0, 99)));
  }

  @Test
  void anEndPastTheBlobIsClampedToTheLastByte() {
    assertThat(parse("bytes=50-5000", 100)).isEqualTo(new Partial(new ByteRange(50, 99)));
  }

  @Test
  void aStartAtOrPastTheEndIsUnsatisfiable() {
    assertThat(parse("bytes=100-", 100)).isEqualTo(new Unsatisfiable());
    assertThat(parse("bytes=200-300", 100)).isEqualTo(new Unsatisfiable());
  }

  @Test
  void anEmptySuffixIsUnsatisfiable() {
    assertThat(parse("bytes=-0", 100)).isEqualTo(new Unsatisfiable());
  }

  @Test
  void malformedOrMultipleRangesAreIgnored() {
    assertThat(parse("bytes=5-1", 100)).isEqualTo(new Whole());
    assertThat(parse("bytes=0-1,5-6", 100)).isEqualTo(new Whole());
    assertThat(parse("items=0-1", 100)).isEqualTo(new Whole());
    assertThat(parse("bytes=-", 100)).isEqualTo(new Whole());
    assertThat(parse("bytes=99999999999999999999-", 100)).isEqualTo(new Whole());
  }
}
