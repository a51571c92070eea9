package io.layerswarm.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.layerswarm.swarm.Torrent;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerTrafficTest {
  private static Torrent torrent(long uploaded, long downloaded) {
    Torrent torrent = mock(Torrent.class);
    when(torrent.uploadedBytes()).thenReturn(uploaded);
    when(torrent.downloadedBytes()).thenReturn(downloaded);
    return torrent;
  }

  @Test
  void totalsAreTheSumOfTheTorrentsHeldNow() {
    PeerTraffic traffic = new PeerTraffic();

    assertThat(traffic.sample(List.of(torrent(10, 100), torrent(5, 50))))
        .isEqualTo(new PeerTraffic.Totals(15, 150));
  }

  @Test
  void aRemovedTorrentKeepsCountingWithItsLastSampledBytes() {
    PeerTraffic traffic = new PeerTraffic();
    Torrent download = torrent(25, 128);
    Torrent other = torrent(1, 2);
    traffic.sample(List.of(download, other));

    // The finished download is replaced by a seed of the same blob, whose counters start at 0.
    Torrent seed = torrent(0, 0);

    assertThat(traffic.sample(List.of(seed, other))).isEqualTo(new PeerTraffic.Totals(26, 130));
    assertThat(traffic.sample(List.of(other)))
        .as("counted once, not per sample")
        .isEqualTo(new PeerTraffic.Totals(26, 130));
  }

  @Test
  void noTorrentsEverMeansZero() {
    assertThat(new PeerTraffic().sample(List.of())).isEqualTo(new PeerTraffic.Totals(0, 0));
  }
}
