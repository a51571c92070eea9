package io.layerswarm.it.interop;

import io.layerswarm.it.interop.InteropScenario.TorrentMaker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our engine against libtorrent-rasterbar 2.0 (Debian's python3-libtorrent, driven by {@code
 * interop/lt_peer.py} under /usr/bin/python3), a separate process, in both directions. libtorrent
 * keeps its default encryption policy: it offers MSE on outgoing connections and falls back to a
 * plain BEP 3 handshake, which is what our engine must cope with in the field. Needs the Debian
 * packages python3-libtorrent and opentracker.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class InteropLibtorrentIT {

  private static final ForeignClient LIBTORRENT =
      new LibtorrentClient(Duration.ofMinutes(3), "default");

  @ParameterizedTest(name = "tracker: {0}")
  @EnumSource(TrackerKind.class)
  void libtorrentDownloadsABlobThatOurEngineSeeds(TrackerKind tracker) throws Exception {
    InteropScenario.of(LIBTORRENT, tracker, "libtorrent-leeches")
        .foreignClientDownloadsWhatOurEngineSeeds();
  }

  @ParameterizedTest(name = "tracker: {0}")
  @EnumSource(TrackerKind.class)
  void ourEngineDownloadsABlobThatLibtorrentSeeds(TrackerKind tracker) throws Exception {
    InteropScenario.of(LIBTORRENT, tracker, "libtorrent-seeds")
        .ourEngineDownloadsWhatTheForeignClientSeeds(TorrentMaker.LAYERSWARM);
  }
}
