package io.layerswarm.testbed.trackerload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkloadTest {
  private final Workload w = new Workload(1_000, 3, 64, 50, 1 << 20, 7);

  @Test
  void everyConnectionHasItsOwnLoopbackSourceAddress() {
    Set<InetAddress> seen = new HashSet<>();
    for (int c = 0; c < 60_000; c++) {
      InetAddress a = Workload.sourceAddress(c);
      assertThat(a.isLoopbackAddress()).as("connection %d: %s", c, a).isTrue();
      assertThat(a.getAddress()[3]).isNotZero();
      seen.add(a);
    }
    assertThat(seen).hasSize(60_000);
  }

  @Test
  void aStartedAnnounceCarriesTheLayersInfoHashAndTheHostsPeerIdAndPort() {
    byte[] hash = w.infoHashes().get(2);

    String target = w.targets().announce(17, 2, true);

    assertThat(target)
        .startsWith("/announce?info_hash=" + Workload.percentEncode(hash) + "&")
        .contains("&peer_id=-LS0100-000000000017&port=10017&")
        .contains("&left=1048576&compact=1&numwant=50&event=started");
    assertThat(Workload.peerId(17)).hasSize(20);
  }

  @Test
  void aRegularAnnounceIsOfAHostThatHoldsTheLayer() {
    assertThat(w.targets().announce(3, 0, false)).contains("&left=0&").doesNotContain("event=");
  }

  @Test
  void percentEncodingKeepsOnlyUnreservedCharacters() {
    assertThat(Workload.percentEncode(new byte[] {'a', 'Z', '9', '-', '~', ' ', '&', (byte) 0xff}))
        .isEqualTo("aZ9-~%20%26%FF");
  }

  @Test
  void theSameSeedGivesTheSameInfoHashes() {
    assertThat(new Workload(1, 3, 1, 50, 1, 7).infoHashesHex()).isEqualTo(w.infoHashesHex());
    assertThat(new Workload(1, 3, 1, 50, 1, 8).infoHashesHex()).isNotEqualTo(w.infoHashesHex());
  }

  @Test
  void moreHostsThanPortsAreRefused() {
    assertThatThrownBy(() -> new Workload(60_000, 1, 1, 50, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hosts");
  }
}
