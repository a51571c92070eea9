package io.layerswarm.swarm.tracker;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.swarm.loop.ManualLoop;
import io.layerswarm.testing.ManualClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Announcers of one fixed torrent on a manual loop, for the announcer's tests. */
final class TestAnnouncers {
  private TestAnnouncers() {}

  /** An announcer of one torrent to {@code trackers}, started, its first round run. */
  static Announcer started(
      List<URI> trackers, TrackerClient client, ManualLoop loop, ManualClock clock) {
    Announcer announcer =
        new Announcer(
            trackers,
            client,
            loop,
            event ->
                new AnnounceRequest(
                    InfoHash.fromHex("123456789abcdef123456789abcdef123456789a"),
                    new PeerId("-LS0100-abcdefghijkl".getBytes(StandardCharsets.US_ASCII)),
                    6881,
                    0,
                    0,
                    0,
                    event,
                    50,
                    Optional.empty(),
                    Optional.empty(),
                    Map.of()),
            peers -> {},
            Duration.ofMinutes(30),
            clock);
    announcer.start();
    loop.runPending();
    return announcer;
  }

  /** A tracker's answer with an interval of 30 minutes, no peers, and {@code warning}. */
  static AnnounceResponse accepted(Optional<String> warning) {
    return new AnnounceResponse(
        Optional.of(Duration.ofMinutes(30)),
        Optional.empty(),
        List.of(),
        Optional.empty(),
        warning);
  }
}
