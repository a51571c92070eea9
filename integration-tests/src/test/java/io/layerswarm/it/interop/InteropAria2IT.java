package io.layerswarm.it.interop;

import io.layerswarm.it.interop.InteropScenario.TorrentMaker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our engine against aria2c (Debian's aria2 1.36), a separate process, in both directions. Needs
 * the Debian packages aria2, opentracker and mktorrent. Logs stay under
 * target/testbed/interop-aria2c-*.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class InteropAria2IT {

  private static final ForeignClient ARIA2C = new Aria2cClient(Duration.ofMinutes(3));

  @ParameterizedTest(name = "tracker: {0}")
  @EnumSource(TrackerKind.class)
  void aria2cDownloadsABlobThatOurEngineSeeds(TrackerKind tracker) throws Exception {
    InteropScenario.of(ARIA2C, tracker, "aria2c-leeches")
        .foreignClientDownloadsWhatOurEngineSeeds();
  }

  @ParameterizedTest(name = "tracker: {0}")
  @EnumSource(TrackerKind.class)
  void ourEngineDownloadsABlobThatAria2cSeeds(TrackerKind tracker) throws Exception {
    InteropScenario.of(ARIA2C, tracker, "aria2c-seeds")
        .ourEngineDownloadsWhatTheForeignClientSeeds(TorrentMaker.LAYERSWARM);
  }

  @ParameterizedTest(name = "tracker: {0}")
  @EnumSource(TrackerKind.class)
  void ourEngineDownloadsATorrentMadeByMktorrentThatAria2cSeeds(TrackerKind tracker)
      throws Exception {
    InteropScenario.of(ARIA2C, tracker, "aria2c-seeds-mktorrent")
        .ourEngineDownloadsWhatTheForeignClientSeeds(TorrentMaker.MKTORRENT);
  }
}
