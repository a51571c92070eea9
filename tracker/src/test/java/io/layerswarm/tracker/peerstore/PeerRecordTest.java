package io.layerswarm.tracker.peerstore;

import static io.layerswarm.tracker.testing.Peers.peer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.tracker.testing.Peers;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerRecordTest {
  @Test
  void aPeerRoundTripsThroughItsRecord() {
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

    assertThat(PeerRecord.encode(p)).isEqualTo("10.1.2.3|1|S|z|r");
    assertThat(PeerRecord.decode(PeerRecord.id(p.id()), PeerRecord.encode(p))).isEqualTo(p);
    assertThat(PeerRecord.encode(v6)).isEqualTo("2001:db8::1|65535|L||");
    assertThat(PeerRecord.decode(PeerRecord.id(v6.id()), PeerRecord.encode(v6))).isEqualTo(v6);
    assertThat(PeerRecord.id(p.id())).hasSize(40).matches("[0-9a-f]+");
  }

  @Test
  void aMalformedRecordIsRejected() {
    String id = PeerRecord.id(peer("S x").id());
    for (String bad :
        List.of(
            "",
            "10.0.0.1|1|S|z",
            "host|1|S||",
            "10.0.0.1|x|S||",
            "10.0.0.1|1|Q||",
            "10.0.0.1|0|S||",
            "10.0.0.1|1|S|bad label|",
            "10.0.0.1|1|S|||")) {
      assertThatThrownBy(() -> PeerRecord.decode(id, bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
