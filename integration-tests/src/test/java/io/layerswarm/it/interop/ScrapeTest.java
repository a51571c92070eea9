package io.layerswarm.it.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.metainfo.InfoHash;
import java.net.URI;
import org.junit.jupiter.api.Test;

class ScrapeTest {

  private static final InfoHash HASH = InfoHash.fromHex("00ff10203040506070809aabbccddeeff0011223");

  @Test
  void theScrapeUrlReplacesTheLastAnnounceSegmentAndPercentEncodesEveryInfoHashByte() {
    assertThat(Scrape.scrapeUri(URI.create("http://127.0.0.1:6969/announce"), HASH))
        .hasToString(
            "http://127.0.0.1:6969/scrape?info_hash=%00%ff%10%20%30%40%50%60%70%80%9a%ab%bc%cd%de%ef%f0%01%12%23");
  }

  @Test
  void aPasskeyInThePathAndAQueryInTheAnnounceUrlAreKept() {
    assertThat(
            Scrape.scrapeUri(URI.create("http://t:1/key123/announce.php?zone=a"), HASH).toString())
        .startsWith("http://t:1/key123/scrape.php?zone=a&info_hash=%00%ff");
  }

  @Test
  void anAnnounceUrlWithoutTheAnnounceSegmentHasNoScrapeUrl() {
    assertThatThrownBy(() -> Scrape.scrapeUri(URI.create("http://t:1/tracker"), HASH))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("BEP 48");
  }
}
