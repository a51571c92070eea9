package io.layerswarm.tracker.peerstore;

import static io.layerswarm.tracker.testing.Peers.peer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.tracker.testing.Peers;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerRecordTest {
  private static final String ID = "78".repeat(20);

  @Test
  void aPeerRoundTripsThroughItsAddressAndRecord() {
    Peer p =
        new Peer(
            peer("S x").id(),
            new PeerAddress(Peers.ip("::ffff:10.1.2.3"), 1),
            true,
            Topology.of("z", "r"));
    Peer v6 =
        new Peer(
            peer("L y").id(),
            new PeerAddress(Peers.ip("2001:db8:0:0::1"), 65535),
            false,
            Topology.UNKNOWN);

    assertThat(PeerRecord.address(p.address())).isEqualTo("10.1.2.3|1");
    assertThat(PeerRecord.encode(p)).matches("[0-9a-f]{40}\\|S\\|z\\|r");
    assertThat(PeerRecord.decode(PeerRecord.address(p.address()), PeerRecord.encode(p)))
        .isEqualTo(p);
    assertThat(PeerRecord.address(v6.address())).isEqualTo("2001:db8::1|65535");
    assertThat(PeerRecord.encode(v6)).endsWith("|L||");
    assertThat(PeerRecord.decode(PeerRecord.address(v6.address()), PeerRecord.encode(v6)))
        .isEqualTo(v6);
  }

  @Test
  void aMalformedAddressOrRecordIsRejected() {
    for (String[] bad :
        List.of(
            new String[] {"10.0.0.1|1", ""},
            new String[] {"10.0.0.1|1", ID + "|S|z"},
            new String[] {"host|1", ID + "|S||"},
            new String[] {"10.0.0.1|x", ID + "|S||"},
            new String[] {"10.0.0.1", ID + "|S||"},
            new String[] {"10.0.0.1|0", ID + "|S||"},
            new String[] {"10.0.0.1|1", ID + "|Q||"},
            new String[] {"10.0.0.1|1", "xyz|S||"},
            new String[] {"10.0.0.1|1", ID + "|S|bad label|"},
            new String[] {"10.0.0.1|1", ID + "|S|||"})) {
      assertThatThrownBy(() -> PeerRecord.decode(bad[0], bad[1]))
          .as(bad[0] + " " + bad[1])
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
