package io.layerswarm.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UnitsTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0|0 B",
        "1023|1023 B",
        "1024|1.0 KiB",
        "1536|1.5 KiB",
        "1048575|1.0 MiB",
        "536870912|512.0 MiB",
        "1073741824|1.0 GiB",
        "3328599654|3.1 GiB",
        "1099511627776|1.0 TiB",
        "9223372036854775807|8.0 EiB",
      })
  void bytesUseBinaryUnitsWithOneDecimalAndNeverPrint1024OfAUnit(long bytes, String text) {
    assertThat(Units.bytes(bytes)).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0|0s",
        "59|59s",
        "90|1m 30s",
        "5430|1h 30m",
        "93784|1d 2h",
      })
  void durationsShowTheTwoLargestUnits(long seconds, String text) {
    assertThat(Units.duration(Duration.ofSeconds(seconds))).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "26214400|25.0 MiB/s",
        "0.4|0 B/s",
        "524288|512.0 KiB/s",
      })
  void ratesAreBytesPerSecond(double bytesPerSecond, String text) {
    assertThat(Units.rate(bytesPerSecond)).isEqualTo(text);
  }
}
