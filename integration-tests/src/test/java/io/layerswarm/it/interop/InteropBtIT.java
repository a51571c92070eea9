package io.layerswarm.it.interop;

import io.layerswarm.it.interop.InteropScenario.TorrentMaker;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our engine against atomashpolskiy bt-core 1.10 in this JVM (one bt runtime per torrent, MSE off),
 * in both directions. Needs the Debian package opentracker.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class InteropBtIT {

  private static final ForeignClient BT = new BtCoreClient();

  @ParameterizedTest(name = "tracker: {0}")
  @EnumSource(TrackerKind.class)
  void btDownloadsABlobThatOurEngineSeeds(TrackerKind tracker) throws Exception {
    InteropScenario.of(BT, tracker, "bt-leeches").foreignClientDownloadsWhatOurEngineSeeds();
  }

  @ParameterizedTest(name = "tracker: {0}")
  @EnumSource(TrackerKind.class)
  void ourEngineDownloadsABlobThatBtSeeds(TrackerKind tracker) throws Exception {
    InteropScenario.of(BT, tracker, "bt-seeds")
        .ourEngineDownloadsWhatTheForeignClientSeeds(TorrentMaker.LAYERSWARM);
  }
}
